// The per-user miner: control rules, real blocks through the chain's append path, measured work.
// Each test mines on its own isolated chain (X-Test-Chain) and drives the miner's alarm by hand
// (runDurableObjectAlarm) instead of waiting for it.

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { minerObjectName } from "../../src/durable-objects/miner.contract.ts";
import type { MinerDO } from "../../src/durable-objects/miner.ts";
import type { MinedBlockView, MinerStatsView, MinerStatusView } from "../../src/services/miner/views.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { type BlockJson, mineOk, type TestChain, testChain, verify, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Status = MinerStatusView;
type Stats = MinerStatsView;
type MinedBlock = MinedBlockView;

const stubOf = (user: TestUser) => env.MINER.getByName(minerObjectName(user.id));

async function control(user: TestUser, chain: TestChain, body: unknown) {
  return api("/api/miner/control", { method: "POST", headers: { ...user.headers, ...chain.headers }, json: body });
}
async function controlOk(user: TestUser, chain: TestChain, action: string) {
  const res = await control(user, chain, { action });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`control ${action} answered ${res.status}: ${text}`);
  return JSON.parse(text) as { message: string; status: string; miner: Status };
}
async function getJson<T>(path: string, user: TestUser, chain?: TestChain): Promise<T> {
  const res = await api(path, { headers: { ...user.headers, ...chain?.headers } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
/** Runs the miner's scheduled alarm now (one mining round); false if none was scheduled. */
const round = (user: TestUser) => runDurableObjectAlarm(stubOf(user));

describe("miner control", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/api/miner/status"), 401);
    await expectProblem(await api("/api/miner/control", { method: "POST", json: { action: "start" } }), 401);
    await expectProblem(await api("/api/miner/pool/info"), 401);
  });

  it("is stopped with zero counters before the first start", async () => {
    const user = await createUser();
    const s = await getJson<Status>("/api/miner/status", user);
    expect(s).toMatchObject({
      is_mining: false,
      status: "stopped",
      shares_submitted: 0,
      blocks_found: 0,
      uptime_seconds: 0,
      started_at: null,
    });
    const st = await getJson<Stats>("/api/miner/stats", user, testChain());
    expect(st).toMatchObject({
      blocks_mined: 0,
      roadcoins_earned: "0.00000000",
      total_hashes: 0,
      mining_since: null,
      since: null,
      is_mining: false,
    });
    // Nothing to run: no alarm is scheduled for a miner that never started.
    expect(await round(user)).toBe(false);
  });

  it("start twice is a 409, stop when stopped is a 409, restart always leaves it running", async () => {
    const chain = testChain();
    const user = await createUser();
    const started = await controlOk(user, chain, "start");
    expect(started).toMatchObject({ message: "Miner started successfully", status: "running" });
    expect(started.miner).toMatchObject({ is_mining: true, chain: chain.id, shares_submitted: 0 });
    expect(started.miner.next_round_at).not.toBeNull();

    const again = await expectProblem(await control(user, chain, { action: "start" }), 409);
    expect(again.detail).toBe("Miner is already running");

    const restarted = await controlOk(user, chain, "restart");
    expect(restarted).toMatchObject({ message: "Miner restarted successfully", status: "running" });

    const stopped = await controlOk(user, chain, "stop");
    expect(stopped).toMatchObject({ message: "Miner stopped successfully", status: "stopped" });
    expect(stopped.miner.stop_reason).toBe("Stopped by its owner");
    const twice = await expectProblem(await control(user, chain, { action: "stop" }), 409);
    expect(twice.detail).toBe("Miner is not running");
    // A stopped miner has no alarm left.
    expect(await round(user)).toBe(false);

    const fromStopped = await controlOk(user, chain, "restart");
    expect(fromStopped).toMatchObject({ status: "running" });
    await controlOk(user, chain, "stop");
  });

  it("races: of concurrent starts exactly one wins (the rest 409), of concurrent stops exactly one; another user's miner is untouched", async () => {
    const chain = testChain();
    const [user, other] = await Promise.all([createUser(), createUser()]);
    await controlOk(other, chain, "start");
    const starts = await Promise.all(Array.from({ length: 5 }, () => control(user, chain, { action: "start" })));
    expect(starts.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const stops = await Promise.all(Array.from({ length: 5 }, () => control(user, chain, { action: "stop" })));
    expect(stops.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await getJson<Status>("/api/miner/status", user)).status).toBe("stopped");
    expect((await getJson<Status>("/api/miner/status", other)).status).toBe("running");
    await controlOk(other, chain, "stop");
  });

  it("rejects bad control bodies with 4xx problems", async () => {
    const chain = testChain();
    const user = await createUser();
    for (const body of [
      {},
      { action: "launch" },
      { action: 1 },
      { action: "start", worker_id: "<script>" },
      { action: "start", worker_id: "x".repeat(65) },
    ]) {
      await expectProblem(await control(user, chain, body), 422);
    }
    await expectProblem(
      await api("/api/miner/control", {
        method: "POST",
        headers: { ...user.headers, "Content-Type": "application/json" },
        body: "{not json",
      }),
      400,
    );
    // None of these started anything.
    expect((await getJson<Status>("/api/miner/status", user)).is_mining).toBe(false);
  });

  it("records an audit event per control action", async () => {
    const chain = testChain();
    const user = await createUser();
    await controlOk(user, chain, "start");
    await controlOk(user, chain, "stop");
    let types: string[] = [];
    for (let i = 0; i < 50 && !(types.includes("miner.start") && types.includes("miner.stop")); i++) {
      const res = await getJson<{ activities: { type: string }[] }>("/api/dashboard/activity?limit=10", user);
      types = res.activities.map((a) => a.type);
      if (!types.includes("miner.stop")) await new Promise((r) => setTimeout(r, 50));
    }
    expect(types).toEqual(expect.arrayContaining(["miner.start", "miner.stop"]));
  });
});

describe("mining real blocks", () => {
  it("each round appends one real block for my wallet through the chain, and the work is measured", async () => {
    const chain = testChain();
    const user = await createUser();
    const before = await walletOf(user);

    await controlOk(user, chain, "start");
    expect(await round(user)).toBe(true);
    expect(await round(user)).toBe(true);
    expect(await round(user)).toBe(true);

    const status = await getJson<Status>("/api/miner/status", user);
    expect(status.is_mining).toBe(true);
    expect(status.rounds).toBe(3);
    expect(status.blocks_found).toBe(3);
    expect(status.shares_accepted).toBe(3);
    expect(status.shares_submitted).toBe(status.shares_accepted + status.shares_rejected);
    expect(status.last_error).toBeNull();
    expect(status.hashrate_hs).toBeGreaterThan(0);

    const mined = await getJson<MinedBlock[]>("/api/miner/blocks", user, chain);
    expect(mined.map((b) => b.height)).toEqual([3, 2, 1]);
    expect(status.last_block).toMatchObject({ height: 3, hash: mined[0]!.hash });
    for (const b of mined) {
      expect(b.block_index).toBe(b.height);
      expect(b.block_hash).toBe(b.hash);
      expect(b.hash.startsWith("0")).toBe(true); // difficulty 1 in tests
      // The block is on the chain, as the chain's own API shows it, credited to my wallet.
      const onChain = await getJson<BlockJson>(`/api/blockchain/blocks/${b.height}`, user, chain);
      expect(onChain).toMatchObject({ hash: b.hash, miner_address: before.address, reward: "50.00000000" });
    }

    // Exact work: the proof of work counts nonces up from 0, so each block cost nonce + 1 hashes.
    const stats = await getJson<Stats>("/api/miner/stats", user, chain);
    expect(stats.rejected_shares).toBe(0);
    expect(stats.total_hashes).toBe(mined.reduce((sum, b) => sum + b.nonce + 1, 0));
    expect(stats).toMatchObject({
      blocks_mined: 3,
      roadcoins_earned: "150.00000000",
      total_shares: 3,
      accepted_shares: 3,
      is_mining: true,
    });
    expect(stats.average_hashrate_hs).toBeGreaterThan(0);
    expect(stats.mining_since).toBe(status.started_at);
    expect(stats.since).not.toBeNull();

    // The rewards reached the wallet, and the chain still verifies end to end.
    const after = await walletOf(user);
    expect(Number(after.balance) - Number(before.balance)).toBe(150);
    const report = await verify(chain);
    expect(report).toMatchObject({ valid: true, height: 3 });

    await controlOk(user, chain, "stop");
    const stopped = await getJson<Stats>("/api/miner/stats", user, chain);
    expect(stopped).toMatchObject({ is_mining: false, mining_since: null, current_hashrate_hs: 0, blocks_mined: 3 });
  });

  it("mines on top of blocks others append (no fork), confirming pending transfers", async () => {
    const chain = testChain();
    const [user, other] = await Promise.all([createUser(), createUser()]);
    const hand = await mineOk(chain, other); // height 1, by someone else
    const otherWallet = await walletOf(other);
    const res = await api("/api/blockchain/transactions", {
      method: "POST",
      headers: { ...user.headers, ...chain.headers },
      json: { to_address: otherWallet.address, amount: "1.5" },
    });
    expect(res.status).toBe(201);

    await controlOk(user, chain, "start");
    expect(await round(user)).toBe(true);
    const [mine] = await getJson<MinedBlock[]>("/api/miner/blocks", user, chain);
    const block = await getJson<BlockJson>(`/api/blockchain/blocks/${mine!.height}`, user, chain);
    expect(block.height).toBe(hand.height + 1);
    expect(block.previous_hash).toBe(hand.hash);
    expect(block.transaction_count).toBe(1);
    expect(block.transactions[0]).toMatchObject({ to_address: otherWallet.address, is_confirmed: true });
    expect((await verify(chain)).valid).toBe(true);
    await controlOk(user, chain, "stop");
  });

  it("keeps users apart: my blocks, my status, my stats", async () => {
    const chain = testChain();
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    await controlOk(alice, chain, "start");
    expect(await round(alice)).toBe(true);

    expect((await getJson<Status>("/api/miner/status", bob)).is_mining).toBe(false);
    expect(await getJson<MinedBlock[]>("/api/miner/blocks", bob, chain)).toEqual([]);
    expect((await getJson<Stats>("/api/miner/stats", bob, chain)).blocks_mined).toBe(0);
    // Bob cannot stop Alice's miner: his own is not running.
    await expectProblem(await control(bob, chain, { action: "stop" }), 409);
    expect((await getJson<Status>("/api/miner/status", alice)).is_mining).toBe(true);
    await controlOk(alice, chain, "stop");
  });

  it("paginates my blocks within bounds", async () => {
    const chain = testChain();
    const user = await createUser();
    await controlOk(user, chain, "start");
    for (let i = 0; i < 3; i++) expect(await round(user)).toBe(true);
    await controlOk(user, chain, "stop");

    const res = await api("/api/miner/blocks?limit=2&offset=1", { headers: { ...user.headers, ...chain.headers } });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Total-Count")).toBe("3");
    expect((await res.json<MinedBlock[]>()).map((b) => b.height)).toEqual([2, 1]);
    const past = await api("/api/miner/blocks?offset=50", { headers: { ...user.headers, ...chain.headers } });
    expect(await past.json()).toEqual([]);
    expect(past.headers.get("X-Total-Count")).toBe("3");
    for (const q of ["limit=0", "limit=101", "offset=-1", "limit=abc"]) {
      await expectProblem(await api(`/api/miner/blocks?${q}`, { headers: user.headers }), 422);
    }
  });

  it("backs off after a failed round and stops itself after too many", async () => {
    const chain = testChain();
    const user = await createUser();
    await controlOk(user, chain, "start");
    // Break this miner's wallet address in its storage: every round now fails before proposing.
    await runInDurableObject(stubOf(user), async (_instance: MinerDO, state) => {
      const s = state.storage.kv.get<Record<string, unknown>>("state")!;
      state.storage.kv.put("state", { ...s, minerAddress: "not-an-address" });
    });
    expect(await round(user)).toBe(true);
    const failing = await getJson<Status>("/api/miner/status", user);
    expect(failing).toMatchObject({ is_mining: true, consecutive_failures: 1, blocks_found: 0 });
    expect(failing.last_error?.message).toMatch(/TypeError/);
    const firstDelay = Date.parse(failing.next_round_at!) - Date.parse(failing.last_error!.at);

    expect(await round(user)).toBe(true);
    const second = await getJson<Status>("/api/miner/status", user);
    expect(second.consecutive_failures).toBe(2);
    // Exponential backoff: the second wait is about twice the first.
    expect(Date.parse(second.next_round_at!) - Date.parse(second.last_error!.at)).toBeGreaterThanOrEqual(
      firstDelay * 2 - 50,
    );

    for (let i = 2; i < 10; i++) expect(await round(user)).toBe(true);
    const stopped = await getJson<Status>("/api/miner/status", user);
    expect(stopped).toMatchObject({ is_mining: false, status: "stopped", consecutive_failures: 10 });
    expect(stopped.stop_reason).toMatch(/after 10 failed rounds/);
    expect(await round(user)).toBe(false);
  });
});

describe("pool info", () => {
  it("counts running miners and estimates the network hashrate from recent blocks", async () => {
    const chain = testChain();
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const empty = await getJson<{
      active_miners: number;
      network_hashrate_hs: number | null;
      difficulty: number;
      window_blocks: number;
    }>("/api/miner/pool/info", a, chain);
    expect(empty).toMatchObject({ active_miners: 0, network_hashrate_hs: null, difficulty: 1, window_blocks: 0 });

    await controlOk(a, chain, "start");
    await controlOk(b, chain, "start");
    for (let i = 0; i < 2; i++) {
      expect(await round(a)).toBe(true);
      expect(await round(b)).toBe(true);
    }
    const info = await getJson<{
      active_miners: number;
      connected_miners: number;
      network_hashrate_hs: number | null;
      network_hashrate: string | null;
      height: number;
      window_blocks: number;
      blocks_last_hour: number;
      miners_last_hour: number;
      mining_reward: string;
      last_block_found: string | null;
    }>("/api/miner/pool/info", a, chain);
    expect(info).toMatchObject({
      active_miners: 2,
      connected_miners: 2,
      height: 4,
      window_blocks: 4,
      blocks_last_hour: 4,
      miners_last_hour: 2,
      mining_reward: "50.00000000",
    });
    expect(info.last_block_found).not.toBeNull();
    // 3 blocks after the first at difficulty 1 = 48 expected hashes over a positive span.
    if (info.network_hashrate_hs !== null) expect(info.network_hashrate_hs).toBeGreaterThan(0);

    await controlOk(b, chain, "stop");
    expect((await getJson<{ active_miners: number }>("/api/miner/pool/info", a, chain)).active_miners).toBe(1);
    await controlOk(a, chain, "stop");
    expect((await getJson<{ active_miners: number }>("/api/miner/pool/info", a, chain)).active_miners).toBe(0);
  });
});
