import { loadConfig } from "./config.ts";
import { createDatabase } from "./lib/db.ts";
import { rollUpAndPrune } from "./services/devices/metrics.ts";

/**
 * The Worker's `scheduled` handler (Cron Triggers, wrangler.toml `[triggers]`), wiring only: the
 * config parsed as for requests, a database for this run, then each job. A failing job is logged
 * and rethrown, so the run shows as failed in Workers' cron history.
 */
export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const result = loadConfig(env);
  if (!result.ok) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "invalid configuration: scheduled jobs skipped",
        problems: result.problems,
      }),
    );
    throw new Error("invalid configuration");
  }
  const db = createDatabase(result.config, ctx);
  try {
    const devices = await rollUpAndPrune(db, new Date(controller.scheduledTime));
    console.log(
      JSON.stringify({ level: "info", msg: "scheduled: device metrics retention", cron: controller.cron, ...devices }),
    );
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "scheduled job failed",
        job: "device-metrics-retention",
        error: err instanceof Error ? err.message.slice(0, 200) : String(err),
      }),
    );
    throw err;
  } finally {
    db.$close();
  }
}
