// The Prism console's API: admin only (401 without a token, 403 for everyone else), counts, the
// audit log with filters, jobs that really run (verify-chain) and the chain status.
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blocks, jobs, users } from "../../src/db/schema/index.ts";
import { createDatabase } from "../../src/lib/db.ts";
import type { EventView } from "../../src/services/prism/events.ts";
import type { JobView } from "../../src/services/prism/jobs.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { mineOk, type TestChain, testChain, transfer, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const pending: Promise<unknown>[] = [];
const db = createDatabase(env, { waitUntil: (p) => void pending.push(p) });

let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  [admin, user] = await Promise.all([createUser(), createUser()]);
  await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
});
afterAll(async () => {
  db.$close();
  await Promise.allSettled(pending);
});

type Page<T> = { items: T[]; total: number; limit: number; offset: number };
type EventJson = EventView;
type JobJson = JobView;

async function get<T>(path: string, who: TestUser, headers: Record<string, string> = {}): Promise<T> {
  const res = await api(path, { headers: { ...who.headers, ...headers } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function waitForJob(id: number): Promise<JobJson> {
  for (let i = 0; i < 200; i++) {
    const job = await get<JobJson>(`/api/prism/jobs/${id}`, admin);
    if (job.status !== "queued" && job.status !== "running") return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Audit rows are written after the response: wait until a user's events include `type`. */
async function waitForEvent(userId: number, type: string) {
  for (let i = 0; i < 100; i++) {
    const page = await get<Page<EventJson>>(`/api/prism/events?user_id=${userId}&type=${type}`, admin);
    if (page.total > 0) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`no ${type} event for user ${userId}`);
}

const ADMIN_ROUTES: Array<[string, string]> = [
  ["GET", "/api/prism/stats"],
  ["GET", "/api/prism/events"],
  ["GET", "/api/prism/jobs"],
  ["POST", "/api/prism/jobs"],
  ["GET", "/api/prism/jobs/1"],
  ["GET", "/api/prism/chain"],
];

describe("access", () => {
  it("GET /prism/health is public and says the console is healthy", async () => {
    for (const path of ["/prism/health", "/prism/health/"]) {
      const res = await api(path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ service: "prism-console", status: "healthy" });
    }
  });

  it("every /api/prism route is 401 without a token and 403 for a non-admin", async () => {
    for (const [method, path] of ADMIN_ROUTES) {
      const init = method === "POST" ? { method, json: { type: "verify-chain" } } : { method };
      await expectProblem(await api(path, init), 401);
      const forbidden = await expectProblem(await api(path, { ...init, headers: user.headers }), 403);
      expect(forbidden.detail).toBe("Administrator access required");
    }
    // The refused POST queued nothing.
    expect(
      (await get<Page<JobJson>>("/api/prism/jobs?limit=100", admin)).items.every((j) => j.user_id !== user.id),
    ).toBe(true);
  });

  it("takes admin rights away on the next request", async () => {
    const temp = await createUser();
    await db.update(users).set({ isAdmin: true }).where(eq(users.id, temp.id));
    expect((await api("/api/prism/stats", { headers: temp.headers })).status).toBe(200);
    await db.update(users).set({ isAdmin: false }).where(eq(users.id, temp.id));
    await expectProblem(await api("/api/prism/stats", { headers: temp.headers }), 403);
  });
});

describe("stats", () => {
  it("counts users, blocks, transactions, events and jobs", async () => {
    const before = await get<Record<string, number>>("/api/prism/stats", admin);
    for (const key of [
      "users",
      "admins",
      "blocks",
      "transactions",
      "pending_transactions",
      "events",
      "jobs",
      "jobs_running",
    ]) {
      expect(typeof before[key], key).toBe("number");
    }
    expect(before.admins).toBeGreaterThanOrEqual(1);
    const fresh = await createUser();
    await waitForEvent(fresh.id, "auth.login");
    const after = await get<Record<string, number>>("/api/prism/stats", admin);
    expect(after.users).toBeGreaterThanOrEqual(before.users! + 1);
    expect(after.events).toBeGreaterThanOrEqual(before.events! + 2);
  });

  it("counts a test chain's blocks and its pending and confirmed transactions exactly", async () => {
    const chain = testChain();
    await mineOk(chain, admin);
    await mineOk(chain, admin);
    const s = await get<Record<string, number>>("/api/prism/stats", admin, chain.headers);
    expect(s).toMatchObject({ blocks: 3, chain_height: 2, transactions: 0, pending_transactions: 0 });

    // A transfer waits in the mempool, then the next block confirms it: counted once either way.
    const payee = await createUser();
    const { address } = await walletOf(payee);
    const sent = await transfer(chain, admin, { to_address: address, amount: "1.5", message: "stats" });
    expect(sent.status, await sent.clone().text()).toBe(201);
    const waiting = await get<Record<string, number>>("/api/prism/stats", admin, chain.headers);
    expect(waiting).toMatchObject({ blocks: 3, transactions: 1, pending_transactions: 1 });
    await mineOk(chain, admin);
    const confirmed = await get<Record<string, number>>("/api/prism/stats", admin, chain.headers);
    expect(confirmed).toMatchObject({ blocks: 4, chain_height: 3, transactions: 1, pending_transactions: 0 });
  });
});

describe("events", () => {
  it("filters by user and type (exact, area or action), newest first, with usernames", async () => {
    const who = await createUser();
    await waitForEvent(who.id, "auth.login");
    const all = await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}`, admin);
    expect(all.total).toBe(2);
    expect(all.items.map((e) => e.type)).toEqual(["auth.login", "auth.register"]);
    expect(all.items[0]).toMatchObject({ user_id: who.id, username: who.username });
    expect(Date.parse(all.items[0]!.created_at)).toBeGreaterThanOrEqual(Date.parse(all.items[1]!.created_at));

    for (const [type, expected] of [
      ["auth.register", ["auth.register"]],
      ["register", ["auth.register"]],
      ["login", ["auth.login"]],
      ["auth", ["auth.login", "auth.register"]],
      ["miner", []],
      ["auth.log", []],
    ] as const) {
      const page = await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}&type=${type}`, admin);
      expect(
        page.items.map((e) => e.type),
        type,
      ).toEqual(expected);
      expect(page.total, type).toBe(expected.length);
    }
  });

  it("filters by time and pages with a total", async () => {
    const who = await createUser();
    await waitForEvent(who.id, "auth.login");
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}&since=${encodeURIComponent(future)}`, admin),
    ).toMatchObject({ items: [], total: 0 });
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect(
      (await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}&since=${encodeURIComponent(past)}`, admin))
        .total,
    ).toBe(2);

    const first = await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}&limit=1`, admin);
    const second = await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}&limit=1&offset=1`, admin);
    expect(first).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(second).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(first.items[0]!.id).not.toBe(second.items[0]!.id);
    expect(await get<Page<EventJson>>(`/api/prism/events?user_id=${who.id}&offset=5`, admin)).toMatchObject({
      items: [],
      total: 2,
    });
  });

  it("rejects bad filters with 422 problems", async () => {
    for (const q of [
      "limit=0",
      "limit=101",
      "offset=-1",
      "user_id=abc",
      "user_id=0",
      "user_id=99999999999",
      "since=yesterday",
      "since=2026-13-01T00:00:00Z",
      "type=a%25b",
      `type=${"x".repeat(65)}`,
    ]) {
      await expectProblem(await api(`/api/prism/events?${q}`, { headers: admin.headers }), 422);
    }
  });
});

describe("jobs", () => {
  it("verify-chain runs after the response and records the report", async () => {
    const chain = testChain();
    for (let i = 0; i < 3; i++) await mineOk(chain, admin);
    const res = await api("/api/prism/jobs", {
      method: "POST",
      headers: { ...admin.headers, ...chain.headers },
      json: { type: "verify-chain" },
    });
    expect(res.status).toBe(202);
    const queued = await res.json<JobJson>();
    expect(res.headers.get("Location")).toBe(`/api/prism/jobs/${queued.id}`);
    expect(queued).toMatchObject({
      type: "verify-chain",
      status: "queued",
      attempts: 0,
      user_id: admin.id,
      payload: { chain: chain.id },
    });

    const done = await waitForJob(queued.id);
    expect(done).toMatchObject({ status: "succeeded", error: null, attempts: 1, username: admin.username });
    expect(done.result).toMatchObject({
      chain: chain.id,
      valid: true,
      height: 3,
      checked_blocks: 4,
      problem_count: 0,
      first_invalid_height: null,
    });
    expect(Date.parse(done.updated_at)).toBeGreaterThanOrEqual(Date.parse(done.created_at));

    const listed = await get<Page<JobJson>>("/api/prism/jobs?status=succeeded&type=verify-chain", admin);
    expect(listed.items.some((j) => j.id === queued.id)).toBe(true);
    expect(listed.items.every((j) => j.status === "succeeded")).toBe(true);

    const status = await get<{
      height: number;
      in_sync: boolean;
      database_height: number;
      total_blocks: number;
      verify_in_progress: boolean;
      last_verify: JobJson | null;
    }>("/api/prism/chain", admin, chain.headers);
    expect(status).toMatchObject({
      height: 3,
      database_height: 3,
      in_sync: true,
      total_blocks: 4,
      verify_in_progress: false,
    });
    expect(status.last_verify).toMatchObject({ id: queued.id, status: "succeeded", result: { valid: true } });
  });

  it("reports a tampered chain as invalid (the job succeeds, the chain does not)", async () => {
    const chain = testChain();
    for (let i = 0; i < 3; i++) await mineOk(chain, admin);
    await db
      .update(blocks)
      .set({ nonce: sql`${blocks.nonce} + 1` })
      .where(and(eq(blocks.chain, chain.id), eq(blocks.height, 2)));
    const res = await api("/api/prism/jobs", {
      method: "POST",
      headers: { ...admin.headers, ...chain.headers },
      json: { type: "verify-chain", payload: {} },
    });
    expect(res.status).toBe(202);
    const done = await waitForJob((await res.json<JobJson>()).id);
    expect(done.status).toBe("succeeded");
    expect(done.result).toMatchObject({ valid: false, first_invalid_height: 2 });
    expect(Number(done.result!.problem_count)).toBeGreaterThanOrEqual(1);
  });

  it("allows one job of a type at a time, and settles jobs whose runner was lost", async () => {
    const chain = testChain();
    await mineOk(chain, admin);
    // A job that is running (fresh progress): a second one is refused.
    const [running] = await db
      .insert(jobs)
      .values({
        type: "verify-chain",
        status: "running",
        userId: admin.id,
        payload: { chain: chain.id },
        startedAt: new Date(),
      })
      .returning();
    try {
      const refused = await expectProblem(
        await api("/api/prism/jobs", {
          method: "POST",
          headers: { ...admin.headers, ...chain.headers },
          json: { type: "verify-chain" },
        }),
        409,
      );
      expect(refused.detail).toContain(`job ${running!.id}`);

      // Its runner went silent three minutes ago: the next read marks it failed, with the reason.
      await db
        .update(jobs)
        .set({ updatedAt: new Date(Date.now() - 3 * 60_000) })
        .where(eq(jobs.id, running!.id));
      const reaped = await get<JobJson>(`/api/prism/jobs/${running!.id}`, admin);
      expect(reaped.status).toBe("failed");
      expect(reaped.error).toMatch(/runner stopped/);
    } finally {
      await db
        .update(jobs)
        .set({ status: "cancelled" })
        .where(and(eq(jobs.id, running!.id), eq(jobs.status, "running")));
    }
    // Now a new one is accepted.
    const res = await api("/api/prism/jobs", {
      method: "POST",
      headers: { ...admin.headers, ...chain.headers },
      json: { type: "verify-chain" },
    });
    expect(res.status).toBe(202);
    await waitForJob((await res.json<JobJson>()).id);
  });

  it("validates job requests and ids", async () => {
    for (const body of [
      {},
      { type: "rm -rf" },
      { type: 7 },
      { type: "verify-chain", payload: { chain: "main" } },
      { type: "verify-chain", extra: true },
      { type: "verify-chain", payload: [] },
    ]) {
      await expectProblem(await api("/api/prism/jobs", { method: "POST", headers: admin.headers, json: body }), 422);
    }
    await expectProblem(await api("/api/prism/jobs/999999999", { headers: admin.headers }), 404);
    for (const id of ["abc", "0", "-1", "1.5"])
      await expectProblem(await api(`/api/prism/jobs/${id}`, { headers: admin.headers }), 422);
    for (const q of ["status=done", "type=nope", "limit=0", "limit=101", "offset=-1"]) {
      await expectProblem(await api(`/api/prism/jobs?${q}`, { headers: admin.headers }), 422);
    }
  });

  it("pages jobs newest first with a total", async () => {
    const page = await get<Page<JobJson>>("/api/prism/jobs?limit=2", admin);
    expect(page.limit).toBe(2);
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.total).toBeGreaterThanOrEqual(page.items.length);
    const ids = page.items.map((j) => j.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    for (const j of page.items)
      expect(Object.keys(j)).toEqual(
        expect.arrayContaining(["type", "status", "attempts", "created_at", "updated_at", "error"]),
      );
  });
});

describe("chain status", () => {
  it("reports the head, the database height and no verification yet for a new chain", async () => {
    const chain: TestChain = testChain();
    const b = await mineOk(chain, admin);
    const s = await get<Record<string, unknown>>("/api/prism/chain", admin, chain.headers);
    expect(s).toMatchObject({
      chain: chain.id,
      height: 1,
      head_hash: b.hash,
      database_height: 1,
      in_sync: true,
      difficulty: 1,
      last_verify: null,
      verify_in_progress: false,
    });
  });
});
