// Tampering with the ledger directly in Postgres: /verify names the exact height and problem.
// Every test tampers with its own isolated chain (X-Test-Chain), so no other test's /verify can
// see the damage, whatever order or parallelism the suite runs in.
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blocks, transactions } from "../../src/db/schema/index.ts";
import { isUniqueViolation } from "../../src/lib/db.ts";
import { EMPTY_MERKLE_ROOT } from "../../src/services/chain/block-hash.ts";
import { mineHeader } from "../../src/services/chain/proof-of-work.ts";
import { expectProblem } from "../helpers/api.ts";
import {
  type BlockJson,
  directDb,
  mine,
  mineOk,
  type TestChain,
  testChain,
  transfer,
  verify,
  walletOf,
} from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

let alice: TestUser;
let bob: TestUser;
let bobAddress: string;
const store = directDb();
const db = store.db;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
  bobAddress = (await walletOf(bob)).address;
});
afterAll(() => store.close());

/** Heights 1–6; block 2 holds two transfers, block 4 one; blocks 5 and 6 are empty. */
async function buildChain(): Promise<{ chain: TestChain; mined: BlockJson[] }> {
  const chain = testChain();
  const mined: BlockJson[] = [await mineOk(chain, alice)];
  for (const amount of ["1.5", "2.25"])
    expect((await transfer(chain, alice, { to_address: bobAddress, amount })).status).toBe(201);
  mined.push(await mineOk(chain, alice));
  mined.push(await mineOk(chain, alice));
  expect((await transfer(chain, alice, { to_address: bobAddress, amount: "3" })).status).toBe(201);
  mined.push(await mineOk(chain, alice));
  mined.push(await mineOk(chain, alice));
  mined.push(await mineOk(chain, alice));
  expect(mined.map((b) => b.height)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(mined[1]!.transaction_count).toBe(2);
  expect(mined[3]!.transaction_count).toBe(1);
  expect((await verify(chain)).valid).toBe(true);
  return { chain, mined };
}

const blockWhere = (chain: TestChain, height: number) => and(eq(blocks.chain, chain.id), eq(blocks.height, height));

describe("/verify after direct tampering", () => {
  it("a changed block row: names the height; restoring it makes the chain valid again", async () => {
    const { chain, mined } = await buildChain();
    await db
      .update(blocks)
      .set({ nonce: mined[2]!.nonce + 1 })
      .where(blockWhere(chain, 3));
    const v = await verify(chain);
    expect(v.valid).toBe(false);
    expect(v.first_invalid_height).toBe(3);
    expect(v.errors).toContainEqual({
      height: 3,
      problem: "block hash does not match its header (a header field was changed)",
    });

    await db.update(blocks).set({ nonce: mined[2]!.nonce }).where(blockWhere(chain, 3));
    expect((await verify(chain)).valid).toBe(true);

    await db.update(blocks).set({ reward: "5000" }).where(blockWhere(chain, 5));
    expect((await verify(chain)).first_invalid_height).toBe(5);
  });

  it("a changed transaction amount: names the block that holds it", async () => {
    const { chain, mined } = await buildChain();
    const target = mined[1]!.transactions[1]!;
    await db
      .update(transactions)
      .set({ amount: "2250" })
      .where(eq(transactions.transactionHash, target.transaction_hash));
    const v = await verify(chain);
    expect(v.first_invalid_height).toBe(2);
    const label = `transaction ${target.transaction_hash.slice(0, 16)}…`;
    // The stored hash no longer matches the contents, and the signature no longer covers them.
    expect(v.errors).toEqual([
      {
        height: 2,
        problem: `${label}: hash does not match its contents (amount, addresses, message, fee, nonce or timestamp changed)`,
      },
      { height: 2, problem: `${label}: invalid signature` },
    ]);
  });

  it("a changed signature: names the block that holds it", async () => {
    const { chain, mined } = await buildChain();
    const target = mined[3]!.transactions[0]!;
    const forged =
      target.signature.slice(0, 10) + (target.signature[10] === "A" ? "B" : "A") + target.signature.slice(11);
    await db
      .update(transactions)
      .set({ signature: forged })
      .where(eq(transactions.transactionHash, target.transaction_hash));
    const v = await verify(chain);
    expect(v.first_invalid_height).toBe(4);
    expect(v.errors.map((e) => e.problem)).toEqual([
      `transaction ${target.transaction_hash.slice(0, 16)}…: invalid signature`,
    ]);
  });

  it("a transaction moved out of its block: the count and merkle root no longer match", async () => {
    const { chain, mined } = await buildChain();
    const target = mined[1]!.transactions[0]!;
    await db
      .update(transactions)
      .set({ blockHeight: 4 })
      .where(eq(transactions.transactionHash, target.transaction_hash));
    const v = await verify(chain);
    expect(v.first_invalid_height).toBe(2);
    expect(v.errors.filter((e) => e.height === 2).map((e) => e.problem)).toEqual(
      expect.arrayContaining([
        "block holds 1 transactions but its header counts 2",
        "merkle root does not match the block's transactions",
      ]),
    );
    expect(v.errors.some((e) => e.height === 4)).toBe(true);
  });

  it("a deleted tail: detected against the Durable Object's head, at the first missing height", async () => {
    const { chain } = await buildChain();
    await db.delete(blocks).where(and(eq(blocks.chain, chain.id), gt(blocks.height, 4)));
    const v = await verify(chain);
    expect(v).toMatchObject({ valid: false, height: 6, database_height: 4, first_invalid_height: 5 });
    expect(v.errors).toEqual([
      {
        height: 5,
        problem: "missing block: the database ends at height 4 but the RoadChain head is at height 6 (truncated chain)",
      },
    ]);
  });

  it("a deleted middle block and a swapped pair of heights", async () => {
    const { chain } = await buildChain();
    await db.delete(blocks).where(blockWhere(chain, 3));
    expect((await verify(chain)).errors[0]).toEqual({ height: 3, problem: "missing block" });

    const other = (await buildChain()).chain;
    await db.transaction(async (tx) => {
      await tx.update(blocks).set({ height: 100 }).where(blockWhere(other, 5));
      await tx.update(blocks).set({ height: 5 }).where(blockWhere(other, 6));
      await tx.update(blocks).set({ height: 6 }).where(blockWhere(other, 100));
    });
    expect((await verify(other)).first_invalid_height).toBe(5);
  });

  it("a block inserted behind the Durable Object's back is reported, and the ledger refuses to fork past it", async () => {
    const { chain, mined } = await buildChain();
    const head = mined[5]!;
    const rogue = await mineHeader(
      {
        height: 7,
        timestamp: head.timestamp + 1,
        previous_hash: head.hash,
        merkle_root: EMPTY_MERKLE_ROOT,
        miner_address: bobAddress,
        reward: "50.00000000",
        transaction_count: 0,
      },
      1,
    );
    await db.insert(blocks).values({
      chain: chain.id,
      height: 7,
      timestampMs: rogue.header.timestamp,
      previousHash: rogue.header.previous_hash,
      merkleRoot: rogue.header.merkle_root,
      nonce: rogue.nonce,
      difficulty: 1,
      minerAddress: bobAddress,
      reward: "50",
      transactionCount: 0,
      hash: rogue.hash,
    });
    const v = await verify(chain);
    expect(v).toMatchObject({ valid: false, height: 6, database_height: 7, first_invalid_height: 7 });
    expect(v.errors[0]!.problem).toMatch(/block not appended through the RoadChain Durable Object/);
    // The Durable Object will not adopt a block it did not write, and the database will not take a second block 7.
    await expectProblem(await mine(chain, alice), 503);
    expect((await db.select().from(blocks).where(blockWhere(chain, 7))).map((b) => b.hash)).toEqual([rogue.hash]);
  });

  it("the database alone refuses a fork: two concurrent inserts on one parent, one unique violation", async () => {
    const { chain, mined } = await buildChain();
    const head = mined[5]!;
    const row = (height: number, nonce: number) => ({
      chain: chain.id,
      height,
      timestampMs: head.timestamp,
      previousHash: head.hash,
      merkleRoot: head.merkle_root,
      nonce,
      difficulty: 1,
      reward: "0",
      hash: crypto.randomUUID().replaceAll("-", "").padEnd(64, "0"),
    });
    const results = await Promise.allSettled([
      db.insert(blocks).values(row(7, 1)),
      db.insert(blocks).values(row(8, 2)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(isUniqueViolation(rejected.reason, "blocks_chain_previous_hash_key")).toBe(true);
    // A second block at the winner's height on another parent: refused as well.
    const winner = results[0]!.status === "fulfilled" ? 7 : 8;
    await expect(db.insert(blocks).values({ ...row(winner, 3), previousHash: "ab".repeat(32) })).rejects.toSatisfy(
      (e) => isUniqueViolation(e, "blocks_chain_height_key"),
    );
    // Clean up this test's rows (the chain is this test's own).
    await db.delete(blocks).where(and(eq(blocks.chain, chain.id), inArray(blocks.height, [7, 8])));
    expect((await verify(chain)).valid).toBe(true);
  });

  it("a confirmed transaction marked unconfirmed is refused by the database", async () => {
    const { mined } = await buildChain();
    const target = mined[3]!.transactions[0]!;
    await expect(
      db
        .update(transactions)
        .set({ isConfirmed: false })
        .where(eq(transactions.transactionHash, target.transaction_hash)),
    ).rejects.toThrow();
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(transactions)
      .where(eq(transactions.transactionHash, target.transaction_hash));
    expect(row!.n).toBe(1);
  });
});
