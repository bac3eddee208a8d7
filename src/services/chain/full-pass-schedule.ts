// The scheduled full pass (scheduled.ts, hourly cron): GET /verify re-checks only random windows of
// the blocks below its checkpoint, so a full verification of the chain runs at least once every
// FULL_PASS_EVERY_MS as a verify-chain job (run in chunks by the chain's verifier Durable Object).
// It is queued when the chain's last verify-chain job is older than that, or failed, and none is
// queued or running.
import type { Database } from "../../lib/db.ts";
import { createJob, lastVerifyJob } from "../prism/jobs.ts";

export const FULL_PASS_EVERY_MS = 24 * 60 * 60 * 1000;

export type FullPassDecision = { queued: number } | { skipped: "in progress" | "recent" | "conflict" };

export async function queueScheduledFullPass(
  db: Database,
  chain: string,
  start: (chain: string, jobId: number) => Promise<void>,
  now = Date.now(),
): Promise<FullPassDecision> {
  const last = await lastVerifyJob(db, chain);
  if (last?.status === "queued" || last?.status === "running") return { skipped: "in progress" };
  if (last && last.status !== "failed" && now - Date.parse(last.created_at) < FULL_PASS_EVERY_MS)
    return { skipped: "recent" };
  let id: number;
  try {
    id = (await createJob(db, { userId: null, type: "verify-chain", payload: { chain, scheduled: true } })).id;
  } catch (err) {
    if ((err as { status?: number }).status === 409) return { skipped: "conflict" };
    throw err;
  }
  await start(chain, id);
  return { queued: id };
}
