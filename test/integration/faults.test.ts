// Faults injected mid-request through the local cloud's fault lane (scripts/local-cloud/fault-lane.ts):
// a Neon proxy and an Upstash endpoint whose connections to PostgreSQL and Redis pass through a
// switchable fault proxy. Only requests sent with the LANE bindings go through it, so the rest of
// the suite never sees these faults. Refused connections (a dead port) are covered elsewhere
// (misconfiguration-and-outages, blockchain-outages, auth-rate-limit "Redis outages"); a Durable
// Object reset mid-append in blockchain-durable-object. Here: silence, resets, slowness, and a
// connection that dies at the exact moment of the commit.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { transactions } from "../../src/db/schema/index.ts";
import { type ApiInit, expectProblem, fetchWith, unique } from "../helpers/api.ts";
import { directDb, type TestChain, testChain } from "../helpers/chain.ts";

const cloud = inject("localCloud");
const lane = cloud.faults;
const LANE = {
  DATABASE_URL: lane.databaseUrl,
  NEON_PROXY_URL: lane.neonProxyUrl,
  UPSTASH_REDIS_REST_URL: lane.upstashUrl,
};
const viaLane = (path: string, init: ApiInit = {}) => fetchWith(LANE, path, init);

type Fault = {
  mode: "none" | "latency" | "reset" | "blackhole" | "slow-close";
  ms?: number;
  trigger?: { match: string; drop: "request" | "reply" };
};
async function breakIt(target: "postgres" | "redis", fault: Fault) {
  const res = await fetch(`${lane.controlUrl}/faults/${target}`, { method: "PUT", body: JSON.stringify(fault) });
  if (res.status !== 204) throw new Error(`fault control answered ${res.status}: ${await res.text()}`);
}
const faultState = async () =>
  (await fetch(`${lane.controlUrl}/faults`)).json<Record<"postgres" | "redis", { triggered: number }>>();

afterEach(async () => {
  await breakIt("postgres", { mode: "none" });
  await breakIt("redis", { mode: "none" });
});

/** How long `fn` took, with its result. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

type LaneUser = { username: string; password: string; headers: Record<string, string>; refresh: string };
const PASSWORD = "correct-horse-battery-42";

/** Registered and signed in through the lane: its session lives in the lane's Redis. */
async function laneUser(): Promise<LaneUser> {
  const username = unique("fault");
  const reg = await viaLane("/api/auth/register", {
    method: "POST",
    json: { username, email: `${username}@example.com`, password: PASSWORD },
  });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}: ${await reg.text()}`);
  const tokens = await login(username);
  return { username, password: PASSWORD, headers: bearer(tokens.access_token), refresh: tokens.refresh_token };
}
async function login(username: string) {
  const res = await viaLane("/api/auth/login", { method: "POST", json: { username, password: PASSWORD } });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  return res.json<{ access_token: string; refresh_token: string }>();
}
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function walletOf(user: LaneUser) {
  const res = await viaLane("/api/blockchain/wallet", { headers: user.headers });
  if (res.status !== 200) throw new Error(`wallet answered ${res.status}: ${await res.text()}`);
  return res.json<{ address: string; balance: string }>();
}
const send = (chain: TestChain, from: LaneUser, to: string, headers: Record<string, string> = {}) =>
  viaLane("/api/blockchain/transactions", {
    method: "POST",
    headers: { ...chain.headers, ...from.headers, ...headers },
    json: { to_address: to, amount: "1" },
  });

/** Transfers in `chain` from `address`, read straight from PostgreSQL (not through the lane). */
async function transfersFrom(chain: TestChain, address: string) {
  const { db, close } = directDb();
  try {
    return await db
      .select({ id: transactions.id })
      .from(transactions)
      .where(and(eq(transactions.chain, chain.id), eq(transactions.fromAddress, address)));
  } finally {
    await close();
  }
}

let alice: LaneUser;
let bob: LaneUser;
let bobAddress: string;
beforeAll(async () => {
  [alice, bob] = await Promise.all([laneUser(), laneUser()]);
  bobAddress = (await walletOf(bob)).address;
});

describe("PostgreSQL through the fault lane", () => {
  it("is a working path while nothing is broken", async () => {
    expect(Number((await walletOf(alice)).balance)).toBeGreaterThan(0);
  });

  it("black hole mid-request: a transfer is a 503 within the 10 s query deadline, never a hang; no coin moves", async () => {
    const chain = testChain();
    const before = await walletOf(alice); // warm: the lane's proxy holds server connections now
    await breakIt("postgres", { mode: "blackhole" });
    const { value: res, ms } = await timed(() => send(chain, alice, bobAddress));
    expect(ms).toBeLessThan(12_000); // src/lib/db.ts QUERY_TIMEOUT_MS (10 s) and a margin
    expect(res.headers.get("Retry-After")).toBeTruthy();
    await expectProblem(res, 503);
    await breakIt("postgres", { mode: "none" });
    expect((await walletOf(alice)).balance).toBe(before.balance);
    expect(await transfersFrom(chain, before.address)).toEqual([]);
  });

  it("connection reset: a quick 503, and the next request works", async () => {
    const chain = testChain();
    await breakIt("postgres", { mode: "reset" });
    const { value: res, ms } = await timed(() => send(chain, alice, bobAddress));
    await expectProblem(res, 503);
    expect(ms).toBeLessThan(6_000);
    await breakIt("postgres", { mode: "none" });
    expect((await send(chain, alice, bobAddress)).status).toBe(201);
  });

  it("added latency: slower, still correct", async () => {
    await breakIt("postgres", { mode: "latency", ms: 150 });
    const { value, ms } = await timed(() => walletOf(alice));
    expect(value.address).toMatch(/\w/);
    expect(ms).toBeGreaterThanOrEqual(300); // at least one round trip each way
  });
});

describe("a transfer whose batch connection dies at the commit", () => {
  it("commit sent, answer lost: applied once; the retry with the same Idempotency-Key replays it", async () => {
    const chain = testChain();
    const [a0, b0] = await Promise.all([walletOf(alice), walletOf(bob)]);
    const key = crypto.randomUUID();
    await breakIt("postgres", { mode: "reset", trigger: { match: "commit", drop: "reply" } });
    await expectProblem(await send(chain, alice, bobAddress, { "Idempotency-Key": key }), 503);
    expect((await faultState()).postgres.triggered).toBeGreaterThanOrEqual(1);
    // The database has it all: debit, credit and the transaction row.
    expect(await transfersFrom(chain, a0.address)).toHaveLength(1);
    const retry = await send(chain, alice, bobAddress, { "Idempotency-Key": key });
    expect(retry.status).toBe(201);
    const [stored] = await transfersFrom(chain, a0.address);
    expect((await retry.json<{ id: number }>()).id).toBe(stored!.id);
    expect(await transfersFrom(chain, a0.address)).toHaveLength(1);
    expect(Number((await walletOf(alice)).balance)).toBe(Number(a0.balance) - 1);
    expect(Number((await walletOf(bob)).balance)).toBe(Number(b0.balance) + 1);
  });

  it("commit never sent: nothing applied; the retry with the same Idempotency-Key makes exactly one transfer", async () => {
    const chain = testChain();
    const [a0, b0] = await Promise.all([walletOf(alice), walletOf(bob)]);
    const key = crypto.randomUUID();
    await breakIt("postgres", { mode: "reset", trigger: { match: "commit", drop: "request" } });
    await expectProblem(await send(chain, alice, bobAddress, { "Idempotency-Key": key }), 503);
    expect(await transfersFrom(chain, a0.address)).toEqual([]);
    expect((await walletOf(alice)).balance).toBe(a0.balance);
    expect((await send(chain, alice, bobAddress, { "Idempotency-Key": key })).status).toBe(201);
    expect(await transfersFrom(chain, a0.address)).toHaveLength(1);
    expect(Number((await walletOf(alice)).balance)).toBe(Number(a0.balance) - 1);
    expect(Number((await walletOf(bob)).balance)).toBe(Number(b0.balance) + 1);
  });
});

describe("Redis through the fault lane", () => {
  for (const mode of ["blackhole", "reset"] as const) {
    it(`${mode}: sign-ins and signed-in requests fail closed (503) within the Redis deadline; generous limits and cached reads fail open`, async () => {
      const chain = testChain();
      await breakIt("redis", { mode });
      const me = await timed(() => viaLane("/api/auth/me", { headers: alice.headers }));
      expect(me.ms).toBeLessThan(3_000); // lib/redis.ts REDIS_TIMEOUT_MS (1 s), one retry, a margin
      await expectProblem(me.value, 503);
      const signIn = await timed(() =>
        viaLane("/api/auth/login", {
          method: "POST",
          json: { username: alice.username, password: PASSWORD },
          headers: { "CF-Connecting-IP": "198.51.100.23" },
        }),
      );
      expect(signIn.ms).toBeLessThan(3_000);
      await expectProblem(signIn.value, 503);
      const version = await viaLane("/api/system/version", { headers: { "CF-Connecting-IP": "198.51.100.24" } });
      expect(version.status).toBe(200);
      const stats = await timed(() => viaLane("/api/blockchain/stats", { headers: chain.headers }));
      expect(stats.value.status).toBe(200); // the cache is skipped, the database answers
      expect(stats.ms).toBeLessThan(5_000);
    });
  }
});

describe("Redis slow", () => {
  it("added latency: slower, still answered (the 1 s deadline is no hair trigger)", async () => {
    // Warm: after the resets above the lane's Redis connection must reconnect first.
    expect((await viaLane("/api/auth/me", { headers: alice.headers })).status).toBe(200);
    await breakIt("redis", { mode: "latency", ms: 60 });
    const me = await timed(() => viaLane("/api/auth/me", { headers: alice.headers }));
    expect(me.value.status).toBe(200);
    expect(me.ms).toBeGreaterThanOrEqual(120); // at least one Redis round trip, each way delayed
  });
});

describe("Redis flushed", () => {
  // Redis holds the live sessions; PostgreSQL says whether a refresh-token family may go on
  // (services/sessions.ts). So a flush ends every session at once — the access tokens are a 401 —
  // a refresh re-opens a session whose family is intact, and a family revoked before the flush
  // stays revoked.
  it("sessions end cleanly: access tokens are a 401, a refresh re-opens, a revoked family stays dead", async () => {
    const [carol, dave] = await Promise.all([laneUser(), laneUser()]);
    expect((await viaLane("/api/auth/me", { headers: carol.headers })).status).toBe(200);
    expect((await viaLane("/api/auth/logout", { method: "POST", headers: dave.headers })).status).toBeLessThan(300);
    const flush = await fetch(lane.upstashUrl, {
      method: "POST",
      headers: { Authorization: `Bearer ${cloud.upstashToken}` },
      body: JSON.stringify(["FLUSHDB"]),
    });
    expect(await flush.json()).toEqual({ result: "OK" });

    await expectProblem(await viaLane("/api/auth/me", { headers: carol.headers }), 401);
    const refreshed = await viaLane("/api/auth/refresh", { method: "POST", json: { refresh_token: carol.refresh } });
    expect(refreshed.status).toBe(200);
    const renewed = bearer((await refreshed.json<{ access_token: string }>()).access_token);
    expect((await viaLane("/api/auth/me", { headers: renewed })).status).toBe(200);
    await expectProblem(
      await viaLane("/api/auth/refresh", { method: "POST", json: { refresh_token: dave.refresh } }),
      401,
    );
    const again = await login(dave.username);
    expect((await viaLane("/api/auth/me", { headers: bearer(again.access_token) })).status).toBe(200);
    expect((await viaLane("/api/blockchain/stats", { headers: testChain().headers })).status).toBe(200);
  });
});
