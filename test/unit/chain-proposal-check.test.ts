// checkProposal, rule by rule: a proposal that is valid in every respect but one is refused with
// that one reason (the Durable Object's side is in test/integration/chain-append-guards.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import {
  EMPTY_MERKLE_ROOT,
  genesisBlock,
  hashBlockHeader,
  meetsDifficulty,
} from "../../src/services/chain/block-hash.ts";
import type { BlockProposal } from "../../src/services/chain/block-writer.ts";
import type { ChainHead } from "../../src/services/chain/ledger.ts";
import { merkleRoot } from "../../src/services/chain/merkle.ts";
import { type MiningTemplate, mineHeader } from "../../src/services/chain/proof-of-work.ts";
import { checkProposal } from "../../src/services/chain/proposal-check.ts";

const RULES = { difficulty: 1, reward: "50" };
const MINER = `RD${"ab".repeat(19)}`;
const T0 = 1_767_225_700_000;
const [TX1, TX2] = ["11".repeat(32), "22".repeat(32)];

let head: ChainHead;

beforeAll(async () => {
  head = { height: 0, hash: (await genesisBlock()).hash, timestamp: T0 };
});

function template(over: Partial<MiningTemplate> = {}): MiningTemplate {
  return {
    height: head.height + 1,
    timestamp: T0 + 1000,
    previous_hash: head.hash,
    merkle_root: EMPTY_MERKLE_ROOT,
    miner_address: MINER,
    reward: "50.00000000",
    transaction_count: 0,
    ...over,
  };
}

async function mined(
  over: Partial<MiningTemplate> = {},
  transactions: BlockProposal["transactions"] = [],
): Promise<BlockProposal> {
  const m = await mineHeader(template(over), RULES.difficulty);
  return { header: m.header, hash: m.hash, minerId: 1, transactions };
}

const check = (p: BlockProposal) => checkProposal(p, head, RULES, T0 + 2000);

describe("checkProposal", () => {
  it("accepts a valid next block, with and without transactions", async () => {
    expect(await check(await mined())).toBeUndefined();
    const txs = [
      { id: 1, hash: TX1 },
      { id: 2, hash: TX2 },
    ];
    expect(
      await check(await mined({ merkle_root: await merkleRoot([TX1, TX2]), transaction_count: 2 }, txs)),
    ).toBeUndefined();
  });

  it("refuses a merkle root that does not cover the listed transactions", async () => {
    expect(await check(await mined({ merkle_root: "cd".repeat(32) }))).toBe("merkle root does not match");
  });

  it("refuses a header whose hash is right but misses the proof-of-work target", async () => {
    const t = { ...template(), difficulty: RULES.difficulty };
    for (let nonce = 0; ; nonce++) {
      const hash = await hashBlockHeader({ ...t, nonce });
      if (meetsDifficulty(hash, RULES.difficulty)) continue;
      expect(await check({ header: { ...t, nonce }, hash, minerId: 1, transactions: [] })).toBe(
        "hash does not meet the difficulty",
      );
      return;
    }
  });

  it("refuses a block dated before the head (equal is allowed)", async () => {
    expect(await check(await mined({ timestamp: head.timestamp - 1 }))).toBe("timestamp is earlier than the head's");
    expect(await check(await mined({ timestamp: head.timestamp }))).toBeUndefined();
  });

  it("refuses transactions listed in descending or repeated id order", async () => {
    const descending = [
      { id: 2, hash: TX2 },
      { id: 1, hash: TX1 },
    ];
    const p = await mined({ merkle_root: await merkleRoot([TX2, TX1]), transaction_count: 2 }, descending);
    expect(await check(p)).toBe("transactions must be in ascending id order");
    const repeated = [
      { id: 1, hash: TX1 },
      { id: 1, hash: TX2 },
    ];
    const q = await mined({ merkle_root: await merkleRoot([TX1, TX2]), transaction_count: 2 }, repeated);
    expect(await check(q)).toBe("transactions must be in ascending id order");
  });

  it("refuses a hash that is not the header's, a wrong reward, difficulty or count", async () => {
    const p = await mined();
    expect(await check({ ...p, hash: `0${p.hash.slice(1, -1)}${p.hash.endsWith("0") ? "1" : "0"}` })).toBe(
      "hash does not match the header",
    );
    expect(await check(await mined({ reward: "51.00000000" }))).toBe("reward must be 50.00000000");
    expect(await check({ ...p, header: { ...p.header, difficulty: 2 } })).toBe("difficulty must be 1");
    expect(await check(await mined({ transaction_count: 1 }))).toBe(
      "transaction_count does not match the transactions",
    );
  });
});
