// Mining, reading and verifying blocks through the API. Each test mines on its own isolated chain
// (X-Test-Chain), so heights are predictable there and "main" is never touched.
import { beforeAll, describe, expect, it } from "vitest";
import {
  canonicalHeader,
  GENESIS_HEADER,
  hashBlockHeader,
  meetsDifficulty,
} from "../../src/services/chain/block-hash.ts";
import { merkleRoot } from "../../src/services/chain/merkle.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { type BlockJson, mine, mineOk, testChain, transfer, verify, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

let miner: TestUser;

beforeAll(async () => {
  miner = await createUser();
});

const headerOf = (b: BlockJson) => ({
  height: b.height,
  timestamp: b.timestamp,
  previous_hash: b.previous_hash,
  merkle_root: b.merkle_root,
  nonce: b.nonce,
  difficulty: b.difficulty,
  miner_address: b.miner_address,
  reward: b.reward,
  transaction_count: b.transaction_count,
});

describe("mining a chain", () => {
  it("starts at the fixed genesis block, appends mined blocks and verifies", async () => {
    const chain = testChain();
    const genesis = await api("/api/blockchain/blocks/0", { headers: chain.headers });
    // The genesis block is created on first contact with the chain (here: mining).
    const first = await mineOk(chain, miner);
    expect(first.height).toBe(1);
    const g = await (await api("/api/blockchain/blocks/0", { headers: chain.headers })).json<BlockJson>();
    expect([200, 404]).toContain(genesis.status);
    expect(g).toMatchObject({
      height: 0,
      previous_hash: "0".repeat(64),
      nonce: 0,
      miner_address: null,
      transaction_count: 0,
    });
    expect(g.hash).toBe(await hashBlockHeader({ ...GENESIS_HEADER }));
    expect(first.previous_hash).toBe(g.hash);

    const second = await mineOk(chain, miner);
    expect(second).toMatchObject({ height: 2, previous_hash: first.hash, difficulty: 1, reward: "50.00000000" });
    // Anyone can recompute the hash from the JSON alone (docs/roadchain.md: verify it yourself).
    for (const b of [first, second]) {
      expect(await hashBlockHeader(headerOf(b))).toBe(b.hash);
      expect(meetsDifficulty(b.hash, b.difficulty)).toBe(true);
      expect(canonicalHeader(headerOf(b))).toContain(`"height":${b.height}`);
    }
    const v = await verify(chain);
    expect(v).toMatchObject({
      valid: true,
      height: 2,
      head_hash: second.hash,
      database_height: 2,
      checked_blocks: 3,
      errors: [],
    });
  });

  it("credits the reward to the miner's wallet, exactly", async () => {
    const chain = testChain();
    const user = await createUser();
    const before = await walletOf(user);
    await mineOk(chain, user);
    await mineOk(chain, user);
    const after = await walletOf(user);
    expect(before.balance).toBe("100.00000000");
    expect(after.balance).toBe("200.00000000");
  });

  it("POST /mine is the same operation as POST /blocks", async () => {
    const chain = testChain();
    const a = await mineOk(chain, miner);
    const res = await api("/api/blockchain/mine", { method: "POST", headers: { ...chain.headers, ...miner.headers } });
    expect(res.status).toBe(201);
    const b = await res.json<BlockJson>();
    expect(b).toMatchObject({ height: a.height + 1, previous_hash: a.hash, miner_address: a.miner_address });
  });

  it("includes pending transactions oldest first, confirms them and commits to them in the merkle root", async () => {
    const chain = testChain();
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    const bobWallet = await walletOf(bob);
    const sent: string[] = [];
    for (const amount of ["1", "2.5", "0.00010000"]) {
      const res = await transfer(chain, alice, { to_address: bobWallet.address, amount });
      expect(res.status).toBe(201);
      sent.push((await res.json<{ transaction_hash: string }>()).transaction_hash);
    }
    const partial = await mineOk(chain, miner, { max_transactions: 2 });
    expect(partial.transaction_count).toBe(2);
    expect(partial.transactions.map((t) => t.transaction_hash)).toEqual(sent.slice(0, 2));
    expect(partial.transactions.every((t) => t.is_confirmed && t.block_height === partial.height)).toBe(true);
    expect(partial.merkle_root).toBe(await merkleRoot(sent.slice(0, 2)));

    const rest = await mineOk(chain, miner);
    expect(rest.transactions.map((t) => t.transaction_hash)).toEqual(sent.slice(2));
    const empty = await mineOk(chain, miner);
    expect(empty.transaction_count).toBe(0);
    expect((await verify(chain)).valid).toBe(true);

    const tx = await (await api(`/api/blockchain/transactions/${sent[0]}`)).json<{
      is_confirmed: boolean;
      block_height: number;
    }>();
    expect(tx).toMatchObject({ is_confirmed: true, block_height: partial.height });
  });

  it("20 concurrent appends give 20 consecutive heights, no fork, and a valid chain", async () => {
    const chain = testChain();
    const users = await Promise.all(Array.from({ length: 4 }, () => createUser()));
    const base = await mineOk(chain, miner);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => mine(chain, users[i % 4]!)));
    const blocks: BlockJson[] = [];
    for (const res of results) {
      expect(res.status, await res.clone().text()).toBe(201);
      blocks.push(await res.json<BlockJson>());
    }
    const heights = blocks.map((b) => b.height).sort((a, b) => a - b);
    expect(heights).toEqual(Array.from({ length: 20 }, (_, i) => base.height + 1 + i));
    expect(new Set(blocks.map((b) => b.previous_hash)).size).toBe(20);
    const byHeight = new Map(blocks.map((b) => [b.height, b]));
    for (let h = base.height + 2; h <= base.height + 20; h++)
      expect(byHeight.get(h)!.previous_hash).toBe(byHeight.get(h - 1)!.hash);
    const v = await verify(chain);
    expect(v).toMatchObject({ valid: true, height: base.height + 20, checked_blocks: base.height + 21 });
  });
});

describe("reading blocks", () => {
  let chain: ReturnType<typeof testChain>;
  let blocks: BlockJson[];

  beforeAll(async () => {
    chain = testChain();
    blocks = [];
    for (let i = 0; i < 5; i++) blocks.push(await mineOk(chain, miner));
  });

  it("lists newest first with limit and offset", async () => {
    const res = await api("/api/blockchain/blocks?limit=3", { headers: chain.headers });
    expect(res.status).toBe(200);
    const page = await res.json<BlockJson[]>();
    expect(page.map((b) => b.height)).toEqual([5, 4, 3]);
    expect(page[0]).not.toHaveProperty("transactions");
    const next = await (await api("/api/blockchain/blocks?limit=3&offset=3", { headers: chain.headers })).json<
      BlockJson[]
    >();
    expect(next.map((b) => b.height)).toEqual([2, 1, 0]);
    const heights = async (q: string) =>
      (await (await api(`/api/blockchain/blocks?${q}`, { headers: chain.headers })).json<BlockJson[]>()).map(
        (b) => b.height,
      );
    expect(await heights("limit=3&offset=4")).toEqual([1, 0]);
    expect(await heights("limit=3&offset=6")).toEqual([]);
    expect(await heights("limit=2&offset=1")).toEqual([4, 3]);
  });

  it("finds one block by height and by hash, with its transactions", async () => {
    const target = blocks[2]!;
    const byHeight = await (
      await api(`/api/blockchain/blocks/${target.height}`, { headers: chain.headers })
    ).json<BlockJson>();
    const byHash = await (
      await api(`/api/blockchain/blocks/${target.hash}`, { headers: chain.headers })
    ).json<BlockJson>();
    const byUpperHash = await (
      await api(`/api/blockchain/blocks/${target.hash.toUpperCase()}`, { headers: chain.headers })
    ).json<BlockJson>();
    expect(byHeight).toEqual(byHash);
    expect(byUpperHash).toEqual(byHash);
    expect(byHeight).toMatchObject({
      height: target.height,
      index: target.height,
      hash: target.hash,
      transactions: [],
    });
  });

  it("a height one past the head, or an unknown hash, is 404", async () => {
    await expectProblem(await api("/api/blockchain/blocks/6", { headers: chain.headers }), 404);
    await expectProblem(await api(`/api/blockchain/blocks/${"ab".repeat(32)}`, { headers: chain.headers }), 404);
  });

  it("stats report the head, counts, difficulty, reward and average block time", async () => {
    const res = await api("/api/blockchain/stats", { headers: chain.headers });
    expect(res.status).toBe(200);
    const stats = await res.json<Record<string, unknown>>();
    expect(stats).toMatchObject({
      height: 5,
      head_hash: blocks[4]!.hash,
      latest_block_index: 5,
      total_blocks: 6,
      total_transactions: 0,
      pending_transactions: 0,
      difficulty: 1,
      mining_reward: "50.00000000",
    });
    expect(typeof stats.average_block_time_seconds).toBe("number");
  });

  it("stats count pending and confirmed transactions exactly", async () => {
    const own = testChain();
    const [payer, payee] = await Promise.all([createUser(), createUser()]);
    const to_address = (await walletOf(payee)).address;
    const pay = async () => expect((await transfer(own, payer, { to_address, amount: "1" })).status).toBe(201);
    const counts = async () => {
      const s = await (await api("/api/blockchain/stats", { headers: own.headers })).json<Record<string, number>>();
      return [s.total_transactions, s.confirmed_transactions, s.pending_transactions];
    };
    await mineOk(own, miner); // the chain's first block after genesis
    await pay();
    await pay();
    expect(await counts()).toEqual([2, 0, 2]);
    await mineOk(own, miner);
    await pay();
    expect(await counts()).toEqual([3, 2, 1]);
  });

  it("cached stats and block lists change as soon as a block is appended", async () => {
    const first = await api("/api/blockchain/stats", { headers: chain.headers });
    const again = await api("/api/blockchain/stats", { headers: chain.headers });
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(await again.json()).toEqual(await first.json());
    await (await api("/api/blockchain/blocks?limit=1", { headers: chain.headers })).text();

    const added = await mineOk(chain, miner);
    blocks.push(added);
    const stats = await (await api("/api/blockchain/stats", { headers: chain.headers })).json<{ height: number }>();
    expect(stats.height).toBe(added.height);
    const top = await (await api("/api/blockchain/blocks?limit=1", { headers: chain.headers })).json<BlockJson[]>();
    expect(top[0]!.hash).toBe(added.hash);
  });

  it("cached stats count a transfer as soon as it is made", async () => {
    const own = testChain();
    const payee = await createUser();
    await mineOk(own, miner);
    const stats = () => api("/api/blockchain/stats", { headers: own.headers });
    // A HIT first (other writes to "chain" may turn a pair into two MISSes: try a few pairs).
    let cached: { pending_transactions: number } | undefined;
    for (let i = 0; i < 8 && !cached; i++) {
      await (await stats()).text();
      const again = await stats();
      if (again.headers.get("X-Cache") === "HIT") cached = await again.json();
      else await again.text();
    }
    expect(cached, "stats never became a HIT").toBeDefined();
    expect((await transfer(own, miner, { to_address: (await walletOf(payee)).address, amount: "1" })).status).toBe(201);
    const after = await (await stats()).json<{ pending_transactions: number }>();
    expect(after.pending_transactions).toBe(cached!.pending_transactions + 1);
  });
});

describe("bad input", () => {
  it.each([
    ["abc"],
    ["-1"],
    ["1.5"],
    ["1e3"],
    ["007"],
    ["%D9%A1%D9%A2"], // Arabic-Indic digits
    ["99999999999"],
    ["2147483648"],
    ["1%20OR%201=1"],
    ["a".repeat(63)],
    ["a".repeat(65)],
    ["g".repeat(64)],
    ["x".repeat(10_000)],
  ])("GET /blocks/%s → 422 problem", async (ref) => {
    const body = await expectProblem(await api(`/api/blockchain/blocks/${ref}`), 422);
    expect(body.errors?.[0]?.path).toBe("block_id");
  });

  it.each(["limit=0", "limit=-1", "limit=abc", "limit=1000", "offset=-5", "offset=1e12", "limit=1.5"])(
    "GET /blocks?%s → 422 problem",
    async (query) => {
      await expectProblem(await api(`/api/blockchain/blocks?${query}`), 422);
    },
  );

  it("POST /blocks needs a login", async () => {
    await expectProblem(await api("/api/blockchain/blocks", { method: "POST" }), 401);
    await expectProblem(await api("/api/blockchain/mine", { method: "POST" }), 401);
  });

  it.each([
    [{ height: 5 }],
    [{ previous_hash: "0".repeat(64) }],
    [{ hash: "0".repeat(64) }],
    [{ timestamp: 1 }],
    [{ nonce: 1 }],
    [{ max_transactions: -1 }],
    [{ max_transactions: 101 }],
    [{ max_transactions: "10" }],
    [{ max_transactions: 1.5 }],
    [[]],
    ["str"],
    [null],
  ])("POST /blocks with %j → 422 and no block", async (body) => {
    const chain = testChain();
    const res = await mine(chain, miner, { body });
    await expectProblem(res, 422);
    await expectProblem(await api("/api/blockchain/blocks/1", { headers: chain.headers }), 404);
  });

  it("malformed JSON → 400, a non-JSON body → 415", async () => {
    const headers = { ...miner.headers, "Content-Type": "application/json" };
    await expectProblem(await api("/api/blockchain/blocks", { method: "POST", headers, body: "{" }), 400);
    await expectProblem(
      await api("/api/blockchain/blocks", {
        method: "POST",
        headers: { ...miner.headers, "Content-Type": "text/plain" },
        body: "{}",
      }),
      415,
    );
  });
});

describe("documentation", () => {
  it("every RoadChain operation is in /api/openapi.json", async () => {
    const doc = await (await api("/api/openapi.json")).json<{
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    }>();
    const expected: Array<[string, string]> = [
      ["/api/blockchain/blocks", "get"],
      ["/api/blockchain/blocks", "post"],
      ["/api/blockchain/blocks/{block_id}", "get"],
      ["/api/blockchain/mine", "post"],
      ["/api/blockchain/verify", "get"],
      ["/api/blockchain/wallet", "get"],
      ["/api/blockchain/balance", "get"],
      ["/api/blockchain/transactions", "get"],
      ["/api/blockchain/transactions", "post"],
      ["/api/blockchain/transactions/{tx_hash}", "get"],
      ["/api/blockchain/stats", "get"],
      ["/api/blockchain/ws", "get"],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    for (const path of ["/api/blockchain/blocks", "/api/blockchain/transactions"]) {
      expect(doc.paths[path]!.post!.parameters?.map((p) => p.name)).toContain("Idempotency-Key");
    }
  });
});
