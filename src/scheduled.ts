import { loadConfig } from "./config.ts";
import { chainVerifierStub } from "./durable-objects/chain-verifier.contract.ts";
import { MAIN_CHAIN } from "./lib/constants.ts";
import { openDatabase } from "./lib/db.ts";
import { queueScheduledFullPass } from "./services/chain/full-pass-schedule.ts";
import { rollUpAndPrune } from "./services/devices/metrics.ts";

/**
 * The Worker's `scheduled` handler (Cron Triggers, wrangler.toml `[triggers]`), wiring only: the
 * config parsed as for requests, a database for this run, then each job. A failing job is logged,
 * the others still run, and the first failure is rethrown so the run shows as failed in Workers'
 * cron history.
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
  const db = await openDatabase(result.config, ctx);
  let failed: unknown;
  const run = async (job: string, fn: () => Promise<Record<string, unknown>>) => {
    try {
      const outcome = await fn();
      console.log(JSON.stringify({ level: "info", msg: `scheduled: ${job}`, cron: controller.cron, ...outcome }));
    } catch (err) {
      failed ??= err;
      console.error(
        JSON.stringify({
          level: "error",
          msg: "scheduled job failed",
          job,
          error: err instanceof Error ? err.message.slice(0, 200) : String(err),
        }),
      );
    }
  };
  try {
    await run("device metrics retention", () => rollUpAndPrune(db, new Date(controller.scheduledTime)));
    // GET /verify samples old blocks; the whole chain is re-verified at least daily (full-pass-schedule.ts).
    await run("chain full verification", async () => ({
      ...(await queueScheduledFullPass(db, MAIN_CHAIN, (chain, jobId) =>
        chainVerifierStub(env.CHAIN_VERIFIER, chain).startFullPass(chain, jobId),
      )),
    }));
  } finally {
    db.$close();
  }
  if (failed) throw failed;
}
