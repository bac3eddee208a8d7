// GET /verify on verified checkpoints, and the full pass as a chunked job, through the Worker, the
// RoadChain and ChainVerifier Durable Objects and Postgres. Each test has its own chain.
import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blocks, jobs, users } from "../../src/db/schema/index.ts";
import type { VerifierStatus } from "../../src/durable-objects/chain-verifier.contract.ts";
import worker from "../../src/index.ts";
import { FULL_PASS_EVERY_MS, queueScheduledFullPass } from "../../src/services/chain/full-pass-schedule.ts";
import type { IncrementalResult } from "../../src/services/chain/verify-incremental.ts";
import type { JobView } from "../../src/services/prism/jobs.ts";
import { api } from "../helpers/api.ts";
import { directDb, mineOk, type TestChain, testChain } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

let admin: TestUser;
const store = directDb();
const db = store.db;

beforeAll(async () => {
  admin = await createUser();
  await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
});
afterAll(() => store.close());

async function verify(chain: TestChain): Promise<IncrementalResult> {
  const res = await api("/api/blockchain/verify", { headers: chain.headers });
  if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function job(id: number): Promise<JobView> {
  const res = await api(`/api/prism/jobs/${id}`, { headers: admin.headers });
  if (res.status !== 200) throw new Error(`job answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const verifier = (chain: TestChain) => env.CHAIN_VERIFIER.getByName(chain.id);
const verifierStatus = (chain: TestChain): Promise<VerifierStatus> => verifier(chain).status(chain.id);

async function mineN(chain: TestChain, n: number) {
  for (let i = 0; i < n; i++) await mineOk(chain, admin);
}

const tamperNonce = (chain: TestChain, height: number, delta: number) =>
  db
    .update(blocks)
    .set({ nonce: sql`${blocks.nonce} + ${delta}` })
    .where(and(eq(blocks.chain, chain.id), eq(blocks.height, height)));

/**
 * A verify-chain job whose chunks the test runs one by one: `chunkBlocks` blocks per alarm, and
 * the next alarm an hour away so that only runDurableObjectAlarm advances it.
 */
async function steppedJob(chain: TestChain, chunkBlocks: number): Promise<number> {
  const [row] = await db
    .insert(jobs)
    .values({ type: "verify-chain", userId: admin.id, payload: { chain: chain.id } })
    .returning();
  await runInDurableObject(verifier(chain), async (_instance, state) => {
    state.storage.kv.put("chain", chain.id);
    state.storage.kv.put("pass", {
      chain: chain.id,
      jobId: row!.id,
      failures: 0,
      state: null,
      chunkBlocks,
      pauseMs: 3_600_000,
    });
    await state.storage.setAlarm(Date.now() + 3_600_000);
  });
  return row!.id;
}

describe("GET /verify builds on verified checkpoints", () => {
  it("walks from genesis first, then only from the checkpoint's block, sampling the blocks below it", async () => {
    const chain = testChain();
    await mineN(chain, 3);
    expect(await verify(chain)).toMatchObject({
      valid: true,
      complete: true,
      verified_from: 0,
      checkpoint_height: null,
      checked_blocks: 4,
      sampled_blocks: 0,
    });
    await mineN(chain, 2);
    const second = await verify(chain);
    expect(second).toMatchObject({
      valid: true,
      height: 5,
      verified_from: 3,
      checkpoint_height: 3,
      checked_blocks: 3,
      sampled_blocks: 3,
      remaining_blocks: 0,
    });
    expect(Date.parse(second.checkpoint_verified_at!)).toBeLessThanOrEqual(Date.now());
    expect((await verifierStatus(chain)).checkpoints.map((c) => [c.height, c.by])).toEqual([
      [3, "request"],
      [5, "request"],
    ]);
  });

  it("a block changed below the checkpoint is caught by the sample; after the repair the chain is re-verified from below", async () => {
    const chain = testChain();
    await mineN(chain, 5);
    expect((await verify(chain)).valid).toBe(true);
    await tamperNonce(chain, 2, 1);
    const caught = await verify(chain);
    expect(caught).toMatchObject({ valid: false, verified_from: 5, checkpoint_height: 5, first_invalid_height: 2 });
    expect(caught.errors).toContainEqual({
      height: 2,
      problem: "block hash does not match its header (a header field was changed)",
    });
    expect((await verifierStatus(chain)).checkpoints).toEqual([]);

    await tamperNonce(chain, 2, -1);
    expect(await verify(chain)).toMatchObject({ valid: true, verified_from: 0, checkpoint_height: null });
  });
});

describe("the full verification job", () => {
  it("runs in chunks, its progress on the job between them, one result at the end, and leaves a checkpoint", async () => {
    const chain = testChain();
    await mineN(chain, 7);
    const id = await steppedJob(chain, 3);
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await runDurableObjectAlarm(verifier(chain))).toBe(true);
      const now = await job(id);
      seen.push([now.status, now.progress?.done_blocks, now.result === null]);
    }
    expect(seen).toEqual([
      ["running", 3, true],
      ["running", 6, true],
      ["succeeded", 8, false],
    ]);
    const done = await job(id);
    expect(done.result).toMatchObject({ valid: true, height: 7, checked_blocks: 8, chunks: 3, problem_count: 0 });
    expect(done.progress).toMatchObject({ done_blocks: 8, total_blocks: 8, chunks: 3 });
    expect(await runDurableObjectAlarm(verifier(chain))).toBe(false); // nothing left to run

    const status = await verifierStatus(chain);
    expect(status.checkpoints.map((c) => [c.height, c.by])).toEqual([[7, "job"]]);
    expect(status.last_full_pass).toMatchObject({ job_id: id, height: 7, valid: true });
    expect(await verify(chain)).toMatchObject({ valid: true, verified_from: 7, checkpoint_height: 7 });
  });

  it("finds tampering inside a verified range and drops the checkpoints it contradicts", async () => {
    const chain = testChain();
    await mineN(chain, 6);
    expect((await verify(chain)).checkpoint_height).toBe(null);
    expect((await verifierStatus(chain)).checkpoints.map((c) => c.height)).toEqual([6]);
    await tamperNonce(chain, 4, 1);
    const id = await steppedJob(chain, 4);
    while (await runDurableObjectAlarm(verifier(chain))) {
      /* one chunk per alarm */
    }
    const done = await job(id);
    expect(done.status).toBe("succeeded");
    expect(done.result).toMatchObject({ valid: false, first_invalid_height: 4, chunks: 2 });
    expect((await verifierStatus(chain)).checkpoints).toEqual([]);
    expect((await verify(chain)).verified_from).toBe(0);
  });

  it("POST /api/prism/jobs runs it on the verifier's alarms to the end", async () => {
    const chain = testChain();
    await mineN(chain, 2);
    const res = await api("/api/prism/jobs", {
      method: "POST",
      headers: { ...admin.headers, ...chain.headers },
      json: { type: "verify-chain" },
    });
    expect(res.status).toBe(202);
    const { id } = await res.json<JobView>();
    let now = await job(id);
    for (let i = 0; i < 100 && (now.status === "queued" || now.status === "running"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await job(id);
    }
    expect(now).toMatchObject({ status: "succeeded", result: { valid: true, height: 2, chunks: 1 } });
  });

  it("is queued on a schedule: when the chain's last one is a day old or failed, never twice at once", async () => {
    const chain = testChain();
    await mineN(chain, 2);
    const start = (c: string, jobId: number) => verifier(chain).startFullPass(c, jobId);
    const first = await queueScheduledFullPass(db, chain.id, start);
    expect(first).toMatchObject({ queued: expect.any(Number) });
    const id = (first as { queued: number }).queued;
    expect(await queueScheduledFullPass(db, chain.id, start)).toEqual({ skipped: "in progress" });
    while ((await job(id)).status !== "succeeded") await runDurableObjectAlarm(verifier(chain));
    expect(await job(id)).toMatchObject({ user_id: null, payload: { chain: chain.id, scheduled: true } });
    expect(await queueScheduledFullPass(db, chain.id, start)).toEqual({ skipped: "recent" });
    const nextDay = await queueScheduledFullPass(db, chain.id, start, Date.now() + FULL_PASS_EVERY_MS + 1);
    expect(nextDay).toMatchObject({ queued: expect.any(Number) });
    while ((await job((nextDay as { queued: number }).queued)).status !== "succeeded")
      await runDurableObjectAlarm(verifier(chain));
  });

  it("the hourly cron queues the main chain's full pass", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ scheduledTime: Date.now(), cron: "7 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const [row] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, "verify-chain"), sql`${jobs.payload}->>'chain' = 'main'`))
      .orderBy(sql`${jobs.id} desc`)
      .limit(1);
    expect(row).toBeDefined();
    expect(Date.now() - row!.createdAt.getTime()).toBeLessThan(FULL_PASS_EVERY_MS);
  });
});
