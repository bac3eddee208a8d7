// The RoadChain Durable Object's append guards, one by one: a proposal that is well formed and
// mined (or consistent) in every respect but one is refused for that one reason, and nothing is
// written. Each test here is the one that fails when its guard is removed (`npm run guard-check`).
// Once miners submit their own blocks, these checks are what stands between a forged block and
// the chain.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type BlockHeader,
  EMPTY_MERKLE_ROOT,
  hashBlockHeader,
  meetsDifficulty,
} from "../../src/services/chain/block-hash.ts";
import type { BlockProposal } from "../../src/services/chain/block-writer.ts";
import type { ChainHead } from "../../src/services/chain/ledger.ts";
import { merkleRoot } from "../../src/services/chain/merkle.ts";
import { type MiningTemplate, mineHeader } from "../../src/services/chain/proof-of-work.ts";
import { api } from "../helpers/api.ts";
import { mineOk, type TestChain, type TxJson, testChain, transfer, verify, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const DIFFICULTY = 1; // BLOCKCHAIN_DIFFICULTY in vitest.config.ts

let miner: TestUser;
let payee: TestUser;
let minerAddress: string;
let payeeAddress: string;

beforeAll(async () => {
  [miner, payee] = await Promise.all([createUser(), createUser()]);
  [minerAddress, payeeAddress] = [(await walletOf(miner)).address, (await walletOf(payee)).address];
});

const stubOf = (chain: TestChain) => env.ROADCHAIN.getByName(chain.id);

/** A chain with one mined block on it, and its head as the Durable Object holds it. */
async function chainWithHead(): Promise<{ chain: TestChain; head: ChainHead }> {
  const chain = testChain();
  const last = await mineOk(chain, miner);
  return { chain, head: { height: last.height, hash: last.hash, timestamp: last.timestamp } };
}

/** The template of a valid empty next block on `head`; override one field to break one rule. */
function nextOn(head: ChainHead, over: Partial<MiningTemplate> = {}): MiningTemplate {
  return {
    height: head.height + 1,
    timestamp: head.timestamp + 1,
    previous_hash: head.hash,
    merkle_root: EMPTY_MERKLE_ROOT,
    miner_address: minerAddress,
    reward: "50.00000000",
    transaction_count: 0,
    ...over,
  };
}

async function minedProposal(
  template: MiningTemplate,
  txs: BlockProposal["transactions"] = [],
): Promise<BlockProposal> {
  const mined = await mineHeader(template, DIFFICULTY);
  return { header: mined.header, hash: mined.hash, minerId: miner.id, transactions: txs };
}

/** Nothing was written: the head, the database tail and /verify are as before. */
async function expectUnchanged(chain: TestChain, head: ChainHead) {
  expect(await stubOf(chain).head(chain.id)).toEqual(head);
  expect(await verify(chain)).toMatchObject({
    valid: true,
    height: head.height,
    head_hash: head.hash,
    database_height: head.height,
  });
}

/** Two pending transfers on `chain`, ascending id. */
async function twoPending(chain: TestChain): Promise<TxJson[]> {
  const txs: TxJson[] = [];
  for (const amount of ["1", "2"]) {
    const res = await transfer(chain, miner, { to_address: payeeAddress, amount });
    expect(res.status).toBe(201);
    txs.push(await res.json<TxJson>());
  }
  return txs.sort((a, b) => a.id - b.id);
}

async function isConfirmed(chain: TestChain, tx: TxJson): Promise<boolean> {
  const res = await api(`/api/blockchain/transactions/${tx.transaction_hash}`, { headers: chain.headers });
  expect(res.status).toBe(200);
  return (await res.json<TxJson>()).is_confirmed;
}

describe("RoadChain Durable Object: append guards", () => {
  it("a mined block at head + 1 whose previous_hash no block has is refused as stale, nothing written", async () => {
    const { chain, head } = await chainWithHead();
    const p = await minedProposal(nextOn(head, { previous_hash: "ab".repeat(32) }));
    expect(await stubOf(chain).append(chain.id, p)).toEqual({ status: "stale", head });
    await expectUnchanged(chain, head);
  });

  it("a mined header whose merkle_root does not match its transactions is rejected", async () => {
    const { chain, head } = await chainWithHead();
    const p = await minedProposal(nextOn(head, { merkle_root: "cd".repeat(32) }));
    expect(await stubOf(chain).append(chain.id, p)).toEqual({
      status: "rejected",
      reason: "merkle root does not match",
    });
    await expectUnchanged(chain, head);
  });

  it("an unmined header whose hash matches its contents is rejected for proof of work", async () => {
    const { chain, head } = await chainWithHead();
    let header: BlockHeader | undefined;
    let hash = "";
    for (let nonce = 0; !header; nonce++) {
      const candidate = { ...nextOn(head), nonce, difficulty: DIFFICULTY };
      hash = await hashBlockHeader(candidate);
      if (!meetsDifficulty(hash, DIFFICULTY)) header = candidate;
    }
    const p: BlockProposal = { header, hash, minerId: miner.id, transactions: [] };
    expect(await stubOf(chain).append(chain.id, p)).toEqual({
      status: "rejected",
      reason: "hash does not meet the difficulty",
    });
    await expectUnchanged(chain, head);
  });

  it("a mined block dated before the head is rejected", async () => {
    const { chain, head } = await chainWithHead();
    const p = await minedProposal(nextOn(head, { timestamp: head.timestamp - 1 }));
    expect(await stubOf(chain).append(chain.id, p)).toEqual({
      status: "rejected",
      reason: "timestamp is earlier than the head's",
    });
    await expectUnchanged(chain, head);
  });

  it("transactions listed in descending id order are rejected (not merely stale), and stay pending", async () => {
    const { chain, head } = await chainWithHead();
    const [first, second] = await twoPending(chain);
    const listed = [second!, first!].map((t) => ({ id: t.id, hash: t.transaction_hash }));
    const template = nextOn(head, { merkle_root: await merkleRoot(listed.map((t) => t.hash)), transaction_count: 2 });
    const p = await minedProposal(template, listed);
    expect(await stubOf(chain).append(chain.id, p)).toEqual({
      status: "rejected",
      reason: "transactions must be in ascending id order",
    });
    await expectUnchanged(chain, head);
    expect([await isConfirmed(chain, first!), await isConfirmed(chain, second!)]).toEqual([false, false]);
  });

  it("a real pending transaction id listed with another hash is not appended, and stays pending", async () => {
    const { chain, head } = await chainWithHead();
    const [tx] = await twoPending(chain);
    const fakeHash = tx!.transaction_hash.slice(0, -1) + (tx!.transaction_hash.endsWith("0") ? "1" : "0");
    const listed = [{ id: tx!.id, hash: fakeHash }];
    const template = nextOn(head, { merkle_root: await merkleRoot([fakeHash]), transaction_count: 1 });
    const p = await minedProposal(template, listed);
    // The proposal is internally consistent (its merkle root covers the fake hash), so only the
    // comparison with the stored row can refuse it; that is reported as stale (mine again).
    expect(await stubOf(chain).append(chain.id, p)).toEqual({ status: "stale", head });
    await expectUnchanged(chain, head);
    expect(await isConfirmed(chain, tx!)).toBe(false);
  });
});
