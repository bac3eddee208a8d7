import { createLazyApp } from "./app.ts";
import { loadSentry, sentryOptions } from "./lib/sentry.ts";
import { runScheduled } from "./scheduled.ts";

export { BlockFeedDO } from "./durable-objects/block-feed.ts";
export { ChainVerifierDO } from "./durable-objects/chain-verifier.ts";
export { LeitlDO } from "./durable-objects/leitl.ts";
export { MinerDO } from "./durable-objects/miner.ts";
export { NotificationsDO } from "./durable-objects/notifications.ts";
export { RoadChainDO } from "./durable-objects/roadchain.ts";
export { CognitionWorkflow } from "./workflows/cognition.ts";

const app = createLazyApp();
let withErrorTracking: ExportedHandler<Env> | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    // Without SENTRY_DSN the SDK is never loaded and no scope is opened per request.
    if (!env.SENTRY_DSN) return app.fetch(request, env, ctx);
    withErrorTracking ??= (await loadSentry()).withSentry(
      (e: Env) => sentryOptions(e as unknown as Record<string, unknown>),
      { fetch: app.fetch },
    );
    return withErrorTracking.fetch!(request as Parameters<NonNullable<ExportedHandler<Env>["fetch"]>>[0], env, ctx);
  },
  // Cron Triggers (wrangler.toml [triggers]): device metrics roll-ups and retention.
  scheduled: (controller: ScheduledController, env: Env, ctx: ExecutionContext) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env>;
