import { createApp } from "./app.ts";
import { Sentry, sentryOptions } from "./lib/sentry.ts";

export { RoadChainDO } from "./durable-objects/roadchain.ts";
export { MinerDO } from "./durable-objects/miner.ts";

const app = createApp();
const withErrorTracking = Sentry.withSentry((env: Env) => sentryOptions(env as unknown as Record<string, unknown>), { fetch: app.fetch });

export default {
  // Without SENTRY_DSN the SDK would still open a scope per request: skip it entirely.
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => (env.SENTRY_DSN ? withErrorTracking.fetch!(request, env, ctx) : app.fetch(request, env, ctx)),
} satisfies ExportedHandler<Env>;
