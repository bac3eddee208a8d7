// /verify's checks one at a time, against rows in Postgres: one rule is broken in one block and the
// chain is made consistent around it (every block above is re-mined onto it, the Durable Object's
// head follows), so the check under test is the only one that can see it and must name it.
// `npm run guard-check` removes each check and expects these tests to fail.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blocks } from "../../src/db/schema/index.ts";
import { type BlockHeader, hashBlockHeader, meetsDifficulty } from "../../src/services/chain/block-hash.ts";
import type { ChainHead } from "../../src/services/chain/ledger.ts";
import { mineHeader } from "../../src/services/chain/proof-of-work.ts";
import { type BlockJson, directDb, mineOk, type TestChain, testChain, verify } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

let miner: TestUser;
const store = directDb();

beforeAll(async () => {
  miner = await createUser();
});
afterAll(() => store.close());

const headerOf = (b: BlockJson): BlockHeader => ({
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

type Stored = { header: BlockHeader; hash: string };

async function remine(header: BlockHeader): Promise<Stored> {
  const mined = await mineHeader(header, header.difficulty);
  return { header: mined.header, hash: mined.hash };
}

/** A hash over the header that misses the proof-of-work target (the first such nonce). */
async function unmined(header: BlockHeader): Promise<Stored> {
  for (let nonce = 0; ; nonce++) {
    const hash = await hashBlockHeader({ ...header, nonce });
    if (!meetsDifficulty(hash, header.difficulty)) return { header: { ...header, nonce }, hash };
  }
}

/**
 * Heights 1–4 mined through the API; block 2 replaced by `forge(parent, block 2)`, blocks 3 and 4
 * re-mined onto it, the rows rewritten and the Durable Object's head moved to the new block 4.
 */
async function chainWithForgedBlock2(forge: (parent: BlockJson, b: BlockJson) => Promise<Stored>): Promise<TestChain> {
  const chain = testChain();
  const mined: BlockJson[] = [];
  for (let i = 0; i < 4; i++) mined.push(await mineOk(chain, miner));
  const rewritten: Stored[] = [await forge(mined[0]!, mined[1]!)];
  for (const b of mined.slice(2))
    rewritten.push(await remine({ ...headerOf(b), previous_hash: rewritten.at(-1)!.hash }));
  for (const { header, hash } of rewritten) {
    await store.db
      .update(blocks)
      .set({ timestampMs: header.timestamp, previousHash: header.previous_hash, nonce: header.nonce, hash })
      .where(and(eq(blocks.chain, chain.id), eq(blocks.height, header.height)));
  }
  const top = rewritten.at(-1)!;
  const head: ChainHead = { height: top.header.height, hash: top.hash, timestamp: top.header.timestamp };
  await runInDurableObject(env.ROADCHAIN.getByName(chain.id), (_instance, state) => state.storage.kv.put("head", head));
  return chain;
}

describe("/verify names each broken rule on its own", () => {
  it("a block whose hash misses the proof-of-work target: named at its height, nothing else", async () => {
    const chain = await chainWithForgedBlock2((_parent, b) => unmined(headerOf(b)));
    const v = await verify(chain);
    expect(v).toMatchObject({ valid: false, height: 4, first_invalid_height: 2 });
    expect(v.errors).toEqual([{ height: 2, problem: "hash does not meet the proof-of-work difficulty 1" }]);
  });

  it("a block re-mined with a timestamp before its parent's: named at its height, nothing else", async () => {
    const chain = await chainWithForgedBlock2((parent, b) =>
      remine({ ...headerOf(b), timestamp: parent.timestamp - 1 }),
    );
    const v = await verify(chain);
    expect(v).toMatchObject({ valid: false, first_invalid_height: 2 });
    expect(v.errors).toEqual([{ height: 2, problem: "timestamp is earlier than block 1's" }]);
  });

  it("a block re-mined onto a hash no block has: named at its height, nothing else", async () => {
    const chain = await chainWithForgedBlock2((_parent, b) =>
      remine({ ...headerOf(b), previous_hash: "ab".repeat(32) }),
    );
    const v = await verify(chain);
    expect(v).toMatchObject({ valid: false, first_invalid_height: 2 });
    expect(v.errors).toEqual([{ height: 2, problem: "previous_hash does not match the hash of block 1" }]);
  });

  it("control: re-mining block 2 unchanged and rewriting the chain above it leaves a valid chain", async () => {
    const chain = await chainWithForgedBlock2((_parent, b) => remine(headerOf(b)));
    expect(await verify(chain)).toMatchObject({ valid: true, height: 4, errors: [] });
  });
});
