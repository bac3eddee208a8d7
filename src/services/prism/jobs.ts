// Prism jobs (`jobs` table): work an admin asks for, run after the response and tracked in the row.
//
// Life cycle: queued → running → succeeded | failed. A job is run by a Durable Object in chunks, one
// per alarm (so no chunk comes near the Worker CPU limit, whatever the job's size), and each chunk
// records `progress` and updated_at; a job that is still "running" with no progress for
// STALE_AFTER_MS, or still "queued" that long after its creation, lost its runner and is marked
// failed with that reason the next time jobs are read. Each job has one result, written at the end.
//
// Job types:
//   verify-chain   re-derives the whole RoadChain from its stored rows, genesis to the head at the
//                  start (services/chain/verify-job.ts, run by durable-objects/chain-verifier.ts);
//                  queued by an admin or by the scheduled full pass (scheduled.ts). Result: valid,
//                  height, checked blocks/transactions, chunks, the first problems found.

import { and, count, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { jobs, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { conflict } from "../../lib/errors.ts";
import { countEvent } from "../../lib/metrics/index.ts";

export const JOB_TYPES = ["verify-chain"] as const;
export type JobType = (typeof JOB_TYPES)[number];
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const STALE_AFTER_MS = 2 * 60 * 1000;
export type JobRow = typeof jobs.$inferSelect;

export type JobView = {
  id: number;
  type: string;
  status: JobStatus;
  payload: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** What a running job has done so far (verify-chain: blocks done of total, chunks). */
  progress: Record<string, unknown> | null;
  error: string | null;
  /** Runs started for this job (each job is run once; 0 while it waits). */
  attempts: number;
  user_id: number | null;
  username: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
};

export function jobView(row: JobRow, username: string | null = null): JobView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    payload: row.payload,
    ...splitResult(row),
    error: row.error,
    attempts: row.startedAt ? 1 : 0,
    user_id: row.userId,
    username,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    started_at: row.startedAt ? row.startedAt.toISOString() : null,
    finished_at: row.finishedAt ? row.finishedAt.toISOString() : null,
    duration_ms: row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
  };
}

/**
 * A running job's progress is kept in the `result` column, under `progress`, until its one result
 * replaces it at the end (keeping `progress` too): the view shows `result` only once the job is over.
 */
function splitResult(row: JobRow): Pick<JobView, "result" | "progress"> {
  const stored = row.result ?? null;
  const progress = (stored?.progress as Record<string, unknown> | undefined) ?? null;
  if (row.status === "queued" || row.status === "running") return { result: null, progress };
  if (!stored) return { result: null, progress };
  const { progress: _kept, ...result } = stored;
  return { result: Object.keys(result).length > 0 ? result : null, progress };
}

/** Marks jobs whose runner is gone as failed (see the file comment). A statement for db.batch. */
function reapStale(db: Database) {
  const cutoff = sql`now() - ${`${STALE_AFTER_MS} milliseconds`}::interval`;
  return db
    .update(jobs)
    .set({
      status: "failed",
      error: sql`case when ${jobs.status} = 'queued' then 'The job never started (its runner was lost)' else 'The runner stopped before finishing (no progress for 2 minutes; the Worker time limit is the usual cause)' end`,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(
      or(
        and(eq(jobs.status, "running"), lt(jobs.updatedAt, cutoff)),
        and(eq(jobs.status, "queued"), lt(jobs.createdAt, cutoff)),
      ),
    );
}

/**
 * Queues a job. At most one job of a type per chain is queued or running at a time (409 otherwise):
 * the check and the insert run under a transaction-scoped advisory lock per type and chain, so two
 * concurrent requests cannot both pass the check.
 */
export async function createJob(
  db: Database,
  /** userId null: queued by the system (the scheduled full pass). */
  input: { userId: number | null; type: JobType; payload: Record<string, unknown> },
): Promise<JobRow> {
  await reapStale(db);
  return db.transaction(async (tx) => {
    const chain = String(input.payload.chain ?? "");
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`prism-job:${input.type}:${chain}`}))`);
    const [busy] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          eq(jobs.type, input.type),
          sql`coalesce(${jobs.payload}->>'chain', '') = ${chain}`,
          inArray(jobs.status, ["queued", "running"]),
        ),
      )
      .limit(1);
    if (busy) throw conflict(`A ${input.type} job is already queued or running (job ${busy.id})`, "job-in-progress");
    const [row] = await tx
      .insert(jobs)
      .values({ userId: input.userId, type: input.type, payload: input.payload })
      .returning();
    if (!row) throw new Error("job insert returned no row");
    return row;
  });
}

/** Newest first, optionally by status and type, with the total; stale jobs are settled first (one round trip). */
export async function listJobs(
  db: Database,
  filter: { status?: JobStatus; type?: string },
  page: { limit: number; offset: number; before?: number },
): Promise<{ items: JobView[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(jobs.status, filter.status));
  if (filter.type) conditions.push(eq(jobs.type, filter.type));
  const where = conditions.length ? and(...conditions) : undefined;
  const [, rows, [counted]] = await db.batch([
    reapStale(db),
    db
      .select({ job: jobs, username: users.username })
      .from(jobs)
      .leftJoin(users, eq(users.id, jobs.userId))
      // Keyset (`before`): below the previous page's last job; the total still counts the whole filter.
      .where(page.before === undefined ? where : and(where, lt(jobs.id, page.before)))
      .orderBy(desc(jobs.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(jobs).where(where),
  ]);
  return { items: rows.map((r) => jobView(r.job, r.username)), total: counted?.n ?? 0 };
}

export async function findJob(db: Database, id: number): Promise<JobView | undefined> {
  const [, [row]] = await db.batch([
    reapStale(db),
    db
      .select({ job: jobs, username: users.username })
      .from(jobs)
      .leftJoin(users, eq(users.id, jobs.userId))
      .where(eq(jobs.id, id))
      .limit(1),
  ]);
  return row ? jobView(row.job, row.username) : undefined;
}

/** The newest verify-chain job of a chain (any status), for the console's chain panel. */
export async function lastVerifyJob(db: Database, chain: string): Promise<JobView | undefined> {
  const [, [row]] = await db.batch([
    reapStale(db),
    db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, "verify-chain"), sql`${jobs.payload}->>'chain' = ${chain}`))
      .orderBy(desc(jobs.id))
      .limit(1),
  ]);
  return row ? jobView(row) : undefined;
}

/** queued → running, when its runner takes it; false if it is no longer queued (reaped, taken). */
export async function markJobRunning(db: Database, jobId: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: "running", startedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "queued")))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Records a running job's progress (and that its runner is alive); false if it is no longer running. */
export async function recordJobProgress(db: Database, jobId: number, progress: Record<string, unknown>) {
  const rows = await db
    .update(jobs)
    .set({ result: { progress }, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running")))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** The job's one outcome: its result, or its error (a sentence for the console). */
export async function finishJob(
  db: Database,
  jobId: number,
  outcome: { result: Record<string, unknown>; progress?: Record<string, unknown> } | { error: unknown },
): Promise<void> {
  const set =
    "result" in outcome
      ? {
          status: "succeeded" as const,
          result: outcome.progress ? { ...outcome.result, progress: outcome.progress } : outcome.result,
        }
      : { status: "failed" as const, error: describeJobError(outcome.error) };
  await db
    .update(jobs)
    .set({ ...set, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), inArray(jobs.status, ["queued", "running"])));
}

/** Counts a finished verification in the metrics. */
export function countVerification(valid: boolean): void {
  countEvent("blackroad_chain_verifications_total", { result: valid ? "valid" : "invalid" });
}

/** A job's error for the console: a sentence, never SQL, a connection string or a stack. */
function describeJobError(err: unknown): string {
  const e = err as { detail?: unknown; message?: unknown; name?: unknown };
  if (typeof e?.detail === "string") return e.detail.slice(0, 500);
  const message = typeof e?.message === "string" ? e.message : String(err);
  if (/Failed query|select |insert |update /i.test(message))
    return `${typeof e?.name === "string" ? e.name : "Error"}: a database query failed`;
  return message.replace(/\w+:\/\/\S+/g, "<url>").slice(0, 500);
}
