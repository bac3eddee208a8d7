import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../src/db/schema/index.ts";
import { formatAmount, parseAmount } from "../../src/services/chain/amount.ts";
import { sha256Hex } from "../../src/services/chain/block-hash.ts";
import { difficultyAt, type IssuanceConfig, rewardAt } from "../../src/services/chain/issuance.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import {
  type BlockJson,
  directDb,
  mineOk,
  type TestChain,
  testChain,
  transfer,
  verify,
  walletOf,
} from "../helpers/chain.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

type Template = {
  template: string;
  difficulty: number;
  height: number;
  reward: string;
  miner_address: string;
  previous_hash: string;
  target: string;
  work: { prefix: string; suffix: string };
};

async function templateFor(chain: TestChain, user: TestUser, query = ""): Promise<Template> {
  const res = await api(`/api/blockchain/mining/template${query}`, { headers: { ...chain.headers, ...user.headers } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`template answered ${res.status}: ${text}`);
  return JSON.parse(text) as Template;
}

/** The miner's side: try nonces until the hash meets the target (or, with `valid: false`, until it does not). */
async function findNonce(t: Template, valid = true): Promise<number> {
  for (let nonce = 0; ; nonce++) {
    const hash = await sha256Hex(t.work.prefix + nonce + t.work.suffix);
    if (hash.startsWith(t.target) === valid) return nonce;
  }
}

const submit = (chain: TestChain, user: TestUser, json: unknown) =>
  api("/api/blockchain/mining/submit", { method: "POST", headers: { ...chain.headers, ...user.headers }, json });

async function mineByWork(chain: TestChain, user: TestUser): Promise<BlockJson> {
  const t = await templateFor(chain, user);
  const res = await submit(chain, user, { template: t.template, nonce: await findNonce(t) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${text}`);
  return JSON.parse(text) as BlockJson;
}

describe("mining template and submission", () => {
  it("a nonce found by the miner appends the block and pays the miner's wallet", async () => {
    const chain = testChain();
    const miner = await createUser();
    const before = await walletOf(miner);
    const t = await templateFor(chain, miner);
    expect(t).toMatchObject({
      height: 1,
      miner_address: before.address,
      reward: "50.00000000",
      difficulty: 1,
      target: "0",
    });
    const nonce = await findNonce(t);
    const res = await submit(chain, miner, { template: t.template, nonce });
    expect(res.status, await res.clone().text()).toBe(201);
    const block = (await res.json()) as BlockJson;
    expect(block).toMatchObject({ height: 1, nonce, miner_address: before.address, previous_hash: t.previous_hash });
    expect(parseAmount((await walletOf(miner)).balance) - parseAmount(before.balance)).toBe(parseAmount("50"));
    expect((await verify(chain)).valid).toBe(true);
  });

  it("refuses a submission without valid work (422) and appends nothing", async () => {
    const chain = testChain();
    const miner = await createUser();
    const t = await templateFor(chain, miner);
    const problem = await expectProblem(
      await submit(chain, miner, { template: t.template, nonce: await findNonce(t, false) }),
      422,
    );
    expect(problem.type).toMatch(/invalid-work$/);
    // A template changed by the client, or someone else's, is refused too.
    const [body, mac] = t.template.split(".");
    const forged = JSON.parse(atob(body!.replace(/-/g, "+").replace(/_/g, "/"))) as { header: { reward: string } };
    forged.header.reward = "5000.00000000";
    const forgedBody = btoa(JSON.stringify(forged)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    await expectProblem(await submit(chain, miner, { template: `${forgedBody}.${mac}`, nonce: 0 }), 422);
    const other = await createUser();
    await expectProblem(await submit(chain, other, { template: t.template, nonce: await findNonce(t) }), 422);
    const stats = await (await api("/api/blockchain/stats", { headers: chain.headers })).json<{
      height?: number;
      total_blocks?: number;
    }>();
    expect(stats.total_blocks ?? (stats.height ?? 0) + 1).toBe(1);
  });

  it("a stale template is a 409: another block landed first", async () => {
    const chain = testChain();
    const [a, b] = await createUsers(2);
    const ta = await templateFor(chain, a!);
    const tb = await templateFor(chain, b!);
    expect((await submit(chain, a!, { template: ta.template, nonce: await findNonce(ta) })).status).toBe(201);
    const problem = await expectProblem(
      await submit(chain, b!, { template: tb.template, nonce: await findNonce(tb) }),
      409,
    );
    expect(problem.type).toMatch(/stale-template$/);
  });
});

describe("issuance", () => {
  const config: IssuanceConfig = {
    BLOCKCHAIN_DIFFICULTY: 2,
    BLOCKCHAIN_MAX_DIFFICULTY: 5,
    BLOCKCHAIN_RETARGET_BLOCKS: 10,
    BLOCKCHAIN_BLOCK_INTERVAL_SECONDS: 60,
    MINING_REWARD: "50",
    MINING_HALVING_BLOCKS: 100,
  };
  const prev = (difficulty: number, height: number) => ({ difficulty, height });

  it("retargets once per period from the period's time span, within the bounds", () => {
    const minute = 60_000;
    // Inside a period (or before the first one closes): the previous block's difficulty.
    expect(difficultyAt(config, 5, prev(3, 4))).toBe(3);
    // A period of 10 blocks has 9 gaps: 9 minutes is on target.
    expect(difficultyAt(config, 11, prev(3, 10), { from: 0, to: 9 * minute })).toBe(3);
    expect(difficultyAt(config, 11, prev(3, 10), { from: 0, to: 2.3 * minute })).toBe(3); // < 4× too fast: stays
    expect(difficultyAt(config, 11, prev(3, 10), { from: 0, to: 2 * minute })).toBe(4); // 4.5× too fast: one step up
    expect(difficultyAt(config, 21, prev(3, 20), { from: 0, to: 35 * minute })).toBe(3); // < 4× too slow: stays
    expect(difficultyAt(config, 21, prev(3, 20), { from: 0, to: 37 * minute })).toBe(2); // > 4× too slow: one step down
    expect(difficultyAt(config, 15, prev(3, 14), { from: 0, to: 1 })).toBe(3); // not a period boundary
    expect(difficultyAt(config, 21, prev(5, 20), { from: 0, to: 1 })).toBe(5); // capped at the max
    expect(difficultyAt(config, 21, prev(2, 20), { from: 0, to: 10_000 * minute })).toBe(2); // never below the min
    expect(difficultyAt(config, 1, prev(0, 0))).toBe(2); // genesis counts as the minimum
  });

  it("halves the reward every MINING_HALVING_BLOCKS blocks", () => {
    expect(rewardAt(config, 1)).toBe("50.00000000");
    expect(rewardAt(config, 100)).toBe("50.00000000");
    expect(rewardAt(config, 101)).toBe("25.00000000");
    expect(rewardAt(config, 301)).toBe("6.25000000");
    expect(rewardAt(config, 100 * 64 + 1)).toBe("0.00000000");
  });

  it("after a burst of blocks the chain asks for more work, and refuses a block mined at the old difficulty", async () => {
    const chain = testChain();
    const miner = await createUser();
    const window = 10; // BLOCKCHAIN_RETARGET_BLOCKS (default)
    for (let i = 0; i < window; i++) await mineOk(chain, miner); // a burst: ten blocks in well under a minute
    const t = await templateFor(chain, miner);
    expect(t.height).toBe(window + 1);
    expect(t.difficulty).toBe(2);
    expect(t.target).toBe("00");
    // A nonce that meets only the old difficulty (one zero) is no valid work now.
    let nonce = 0;
    for (; ; nonce++) {
      const hash = await sha256Hex(t.work.prefix + nonce + t.work.suffix);
      if (hash.startsWith("0") && !hash.startsWith("00")) break;
    }
    await expectProblem(await submit(chain, miner, { template: t.template, nonce }), 422);
    const block = await mineByWork(chain, miner);
    expect(block).toMatchObject({ height: window + 1, difficulty: 2 });
    expect(block.hash.startsWith("00")).toBe(true);
    expect((await verify(chain)).valid).toBe(true);
  });

  it("supply stays registrations plus rewards: mining, transfers and refused work create nothing else", async () => {
    const chain = testChain();
    const [a, b] = await createUsers(2);
    const rewards: bigint[] = [];
    for (let i = 0; i < 3; i++) rewards.push(parseAmount((await mineByWork(chain, i % 2 ? b! : a!)).reward));
    expect((await transfer(chain, a!, { to_address: (await walletOf(b!)).address, amount: "12.5" })).status).toBe(201);
    const t = await templateFor(chain, b!);
    await submit(chain, b!, { template: t.template, nonce: await findNonce(t, false) }); // refused work pays nothing
    rewards.push(parseAmount((await mineByWork(chain, a!)).reward)); // confirms the transfer
    const total = parseAmount((await walletOf(a!)).balance) + parseAmount((await walletOf(b!)).balance);
    const expected = 2n * parseAmount("100") + rewards.reduce((x, y) => x + y, 0n);
    expect(formatAmount(total)).toBe(formatAmount(expected));
  });

  it("/verify checks the reward schedule", async () => {
    const chain = testChain();
    const miner = await createUser();
    const block = await mineByWork(chain, miner);
    const { db, close } = directDb();
    try {
      const { blocks } = await import("../../src/db/schema/index.ts");
      const { and } = await import("drizzle-orm");
      await db
        .update(blocks)
        .set({ reward: "60.00000000" })
        .where(and(eq(blocks.chain, chain.id), eq(blocks.height, block.height)));
    } finally {
      await close();
    }
    const report = await verify(chain);
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => e.problem).join("; ")).toMatch(
      /reward 60\.00000000 differs from the schedule's 50\.00000000/,
    );
  });
});

describe("server-side mining", () => {
  it("is refused in production except for administrators", async () => {
    const [user, admin] = await createUsers(2);
    const { db, close } = directDb();
    try {
      await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin!.id));
    } finally {
      await close();
    }
    const prod = { ENVIRONMENT: "production" };
    for (const path of ["/api/blockchain/mine", "/api/blockchain/blocks"]) {
      const problem = await expectProblem(await fetchWith(prod, path, { method: "POST", headers: user!.headers }), 403);
      expect(problem.type).toMatch(/server-mining-disabled$/);
    }
    await expectProblem(
      await fetchWith(prod, "/api/miner/control", {
        method: "POST",
        headers: user!.headers,
        json: { action: "start" },
      }),
      403,
    );
    // An administrator still may (on main: this appends one real block, which is harmless).
    const res = await fetchWith(prod, "/api/blockchain/mine", { method: "POST", headers: admin!.headers });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});
