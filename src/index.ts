import { loadSentry, sentryOptions } from "./lib/sentry.ts";
import { runScheduled } from "./scheduled.ts";

export { BlockFeedDO } from "./durable-objects/block-feed.ts";
export { ChainVerifierDO } from "./durable-objects/chain-verifier.ts";
export { LeitlDO } from "./durable-objects/leitl.ts";
export { MinerDO } from "./durable-objects/miner.ts";
export { NotificationsDO } from "./durable-objects/notifications.ts";
export { RoadChainDO } from "./durable-objects/roadchain.ts";
export { CognitionWorkflow } from "./workflows/cognition.ts";

type FetchHandler = (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>;
let lazyApp: { fetch: FetchHandler } | undefined;

/**
 * The app (middleware, routing, the full zod build its route modules share) is imported on the
 * first request, not at start-up: this module also starts every Durable Object and Workflow
 * instance, which need none of it (docs/architecture.md, "What start-up evaluates").
 */
const app = {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (!lazyApp) {
      const { createLazyApp } = await import("./app.ts"); // workerd shares concurrent loads
      lazyApp ??= createLazyApp();
    }
    return lazyApp.fetch(request, env, ctx);
  },
};
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
