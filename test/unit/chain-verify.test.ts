// verifyChain against in-memory chains: every kind of tampering is reported at the exact height.
import { beforeAll, describe, expect, it } from "vitest";
import { type GeneratedWallet, generateWallet, signWithWallet } from "../../src/lib/crypto/wallet-keys.ts";
import { GENESIS_HEADER, genesisBlock, hashBlockHeader, meetsDifficulty } from "../../src/services/chain/block-hash.ts";
import type { BlockRow, ChainHead, TransactionRow } from "../../src/services/chain/ledger.ts";
import { merkleRoot } from "../../src/services/chain/merkle.ts";
import { mineHeader } from "../../src/services/chain/proof-of-work.ts";
import {
  hashTransaction,
  type TransactionPayload,
  transactionSigningPayload,
} from "../../src/services/chain/transaction-hash.ts";
import { type VerifySource, verifyChain } from "../../src/services/chain/verify.ts";

const MASTER = "unit-test-master-key-0123456789abcdef0123456789";
const T0 = 1_767_225_600_000;

type Chain = { blocks: BlockRow[]; txs: TransactionRow[] };

let alice: GeneratedWallet;
let bob: GeneratedWallet;
let base: Chain;

async function signedTx(
  id: number,
  from: GeneratedWallet,
  to: GeneratedWallet,
  amount: string,
  ts: number,
): Promise<TransactionRow> {
  const payload: TransactionPayload = {
    from_address: from.address,
    to_address: to.address,
    amount,
    fee: "0.00000000",
    message: `payment ${id}`,
    timestamp: ts,
    nonce: `n${id}`,
  };
  return {
    id,
    chain: "t_unit",
    transactionHash: await hashTransaction(payload),
    fromAddress: from.address,
    toAddress: to.address,
    amount,
    fee: "0.00000000",
    message: payload.message,
    nonce: payload.nonce,
    timestampMs: ts,
    signature: await signWithWallet(from.encryptedPrivateKey, from.address, MASTER, transactionSigningPayload(payload)),
    senderPublicKey: from.publicKey,
    blockHeight: null,
    isConfirmed: false,
    createdAt: new Date(ts),
    confirmedAt: null,
  };
}

/** A valid chain: genesis + n mined blocks (difficulty 1); every third block carries two transfers. */
async function buildChain(n: number): Promise<Chain> {
  const genesis = await genesisBlock();
  const blocks: BlockRow[] = [row(0, GENESIS_HEADER, genesis.hash)];
  const txs: TransactionRow[] = [];
  let txId = 1;
  for (let h = 1; h <= n; h++) {
    const ts = T0 + h * 1000;
    const included: TransactionRow[] = [];
    if (h % 3 === 0) {
      included.push(await signedTx(txId++, alice, bob, "10.00000000", ts - 10));
      included.push(await signedTx(txId++, bob, alice, "0.12345678", ts - 5));
    }
    const prev = blocks[h - 1]!;
    const mined = await mineHeader(
      {
        height: h,
        timestamp: ts,
        previous_hash: prev.hash,
        merkle_root: await merkleRoot(included.map((t) => t.transactionHash)),
        miner_address: alice.address,
        reward: "50.00000000",
        transaction_count: included.length,
      },
      1,
    );
    blocks.push(row(h, mined.header, mined.hash));
    for (const t of included) txs.push({ ...t, blockHeight: h, isConfirmed: true });
  }
  return { blocks, txs };
}

function row(height: number, header: typeof GENESIS_HEADER, hash: string): BlockRow {
  return {
    id: height + 1,
    chain: "t_unit",
    height,
    timestampMs: header.timestamp,
    previousHash: header.previous_hash,
    merkleRoot: header.merkle_root,
    nonce: header.nonce,
    difficulty: header.difficulty,
    minerId: null,
    minerAddress: header.miner_address,
    reward: header.reward,
    transactionCount: header.transaction_count,
    confirmedTotal: 0, // kept by a database trigger; verification does not read it
    hash,
    createdAt: new Date(header.timestamp),
  };
}

function clone(chain: Chain): Chain {
  return { blocks: chain.blocks.map((b) => ({ ...b })), txs: chain.txs.map((t) => ({ ...t })) };
}

/** A source over the rows; the Durable Object's head defaults to the last valid block. */
function source(chain: Chain, head?: ChainHead): VerifySource {
  const last = base.blocks[base.blocks.length - 1]!;
  const anchorHead = head ?? { height: last.height, hash: last.hash, timestamp: last.timestampMs };
  return {
    anchor: async () => {
      const tail = [...chain.blocks].sort((a, b) => b.height - a.height)[0];
      return { head: anchorHead, tail: tail ? { height: tail.height, hash: tail.hash } : null };
    },
    blocks: async (after, upTo, limit) =>
      chain.blocks
        .filter((b) => b.height > after && b.height <= upTo)
        .sort((a, b) => a.height - b.height)
        .slice(0, limit),
    transactions: async (from, to) =>
      chain.txs
        .filter((t) => t.blockHeight !== null && t.blockHeight >= from && t.blockHeight <= to)
        .sort((a, b) => a.blockHeight! - b.blockHeight! || a.id - b.id),
  };
}

const at = (chain: Chain, height: number) => chain.blocks.find((b) => b.height === height)!;

beforeAll(async () => {
  alice = await generateWallet(MASTER);
  bob = await generateWallet(MASTER);
  base = await buildChain(24);
});

describe("verifyChain", () => {
  it("accepts a valid chain, across page boundaries", async () => {
    for (const pageSize of [1, 5, 7, 1000]) {
      const r = await verifyChain(source(base), { pageSize });
      expect(r.errors).toEqual([]);
      expect(r).toMatchObject({
        valid: true,
        height: 24,
        checked_blocks: 25,
        checked_transactions: 16,
        first_invalid_height: null,
      });
    }
  });

  // Every header field, at many heights: the exact height is named.
  const fieldMutations: Array<[string, (b: BlockRow) => void, RegExp]> = [
    ["timestamp", (b) => (b.timestampMs += 1), /hash does not match its header/],
    ["nonce", (b) => (b.nonce += 1), /hash does not match its header/],
    ["merkle_root", (b) => (b.merkleRoot = "ab".repeat(32)), /hash does not match its header/],
    ["miner_address", (b) => (b.minerAddress = bob.address), /hash does not match its header/],
    ["reward", (b) => (b.reward = "5000.00000000"), /hash does not match its header/],
    ["difficulty", (b) => (b.difficulty = 2), /hash does not match its header/],
    ["transaction_count", (b) => (b.transactionCount += 1), /hash does not match its header/],
    ["previous_hash", (b) => (b.previousHash = "cd".repeat(32)), /previous_hash does not match/],
    ["hash", (b) => (b.hash = `0${"ef".repeat(31)}e`), /hash does not match its header/],
  ];
  for (const [field, mutate, problem] of fieldMutations) {
    it(`names the height of a changed ${field}`, async () => {
      for (const k of [1, 2, 3, 11, 12, 23, 24]) {
        const chain = clone(base);
        mutate(at(chain, k));
        const r = await verifyChain(source(chain), { pageSize: 5 });
        expect(r.valid, `${field} at ${k}`).toBe(false);
        expect(r.first_invalid_height, `${field} at ${k}`).toBe(k);
        expect(
          r.errors
            .filter((e) => e.height === k)
            .map((e) => e.problem)
            .join("\n"),
        ).toMatch(problem);
      }
    });
  }

  it("names a re-mined block (valid hash and work, but the next link breaks)", async () => {
    const chain = clone(base);
    const b = at(chain, 10);
    const mined = await mineHeader(
      {
        height: 10,
        timestamp: b.timestampMs,
        previous_hash: b.previousHash,
        merkle_root: b.merkleRoot,
        miner_address: bob.address,
        reward: b.reward,
        transaction_count: b.transactionCount,
      },
      1,
    );
    Object.assign(b, { minerAddress: bob.address, nonce: mined.nonce, hash: mined.hash });
    const r = await verifyChain(source(chain));
    expect(r.first_invalid_height).toBe(11);
    expect(r.errors[0]!.problem).toMatch(/previous_hash does not match the hash of block 10/);
  });

  it("names a changed genesis block", async () => {
    const chain = clone(base);
    at(chain, 0).timestampMs += 1;
    const r = await verifyChain(source(chain));
    expect(r.first_invalid_height).toBe(0);
    expect(r.errors.map((e) => e.problem).join("\n")).toMatch(/genesis/);
  });

  it("names a deleted middle block", async () => {
    const chain = clone(base);
    chain.blocks = chain.blocks.filter((b) => b.height !== 7);
    chain.txs = chain.txs.filter((t) => t.blockHeight !== 7);
    const r = await verifyChain(source(chain), { pageSize: 4 });
    expect(r.first_invalid_height).toBe(7);
    expect(r.errors[0]!.problem).toBe("missing block");
  });

  it("names swapped or renumbered heights", async () => {
    const chain = clone(base);
    const [a, b] = [at(chain, 13), at(chain, 14)];
    [a.height, b.height] = [14, 13];
    const r = await verifyChain(source(chain));
    expect(r.first_invalid_height).toBe(13);
  });

  it("detects a deleted tail through the Durable Object's head (a hash chain alone cannot)", async () => {
    const chain = clone(base);
    chain.blocks = chain.blocks.filter((b) => b.height <= 21);
    chain.txs = chain.txs.filter((t) => t.blockHeight! <= 21);
    const r = await verifyChain(source(chain));
    expect(r.valid).toBe(false);
    expect(r.first_invalid_height).toBe(22);
    expect(r.errors[0]!.problem).toMatch(
      /missing block: the database ends at height 21 but the RoadChain head is at height 24/,
    );
    // The same rows are a "valid" shorter chain if nothing anchors them:
    const last = at(chain, 21);
    const unanchored = await verifyChain(source(chain, { height: 21, hash: last.hash, timestamp: last.timestampMs }));
    expect(unanchored.valid).toBe(true);
  });

  it("detects a rewritten tail and blocks written past the head", async () => {
    const rewritten = await verifyChain(source(base, { height: 24, hash: "ab".repeat(32), timestamp: 0 }));
    expect(rewritten.first_invalid_height).toBe(24);
    expect(rewritten.errors[0]!.problem).toMatch(/differs from the head recorded/);

    const b20 = at(base, 20);
    const behind = await verifyChain(source(base, { height: 20, hash: b20.hash, timestamp: b20.timestampMs }));
    expect(behind.first_invalid_height).toBe(21);
    expect(behind.errors[0]!.problem).toMatch(/not appended through the RoadChain Durable Object/);
    expect(behind.checked_blocks).toBe(21);
  });

  it("names a block whose transaction amount, signature, key or membership changed", async () => {
    const cases: Array<[string, (c: Chain, t: TransactionRow) => void, RegExp]> = [
      ["amount", (_c, t) => (t.amount = "1000.00000000"), /hash does not match its contents/],
      ["recipient", (_c, t) => (t.toAddress = alice.address), /hash does not match its contents/],
      ["message", (_c, t) => (t.message = "changed"), /hash does not match its contents/],
      [
        "signature",
        (_c, t) => (t.signature = t.signature.slice(0, -2) + (t.signature.endsWith("AA") ? "BA" : "AA")),
        /invalid signature/,
      ],
      ["public key", (_c, t) => (t.senderPublicKey = bob.publicKey), /public key does not belong/],
      [
        "hash and amount",
        (_c, t) => ((t.amount = "999.00000000"), (t.transactionHash = "aa".repeat(32))),
        /merkle root|hash does not match/,
      ],
      [
        "removed",
        (c, t) => (c.txs = c.txs.filter((x) => x.id !== t.id)),
        /holds 1 transactions but its header counts 2/,
      ],
    ];
    for (const [name, mutate, problem] of cases) {
      for (const height of [3, 12, 24]) {
        const chain = clone(base);
        const target = chain.txs.find((t) => t.blockHeight === height)!;
        mutate(chain, target);
        const r = await verifyChain(source(chain), { pageSize: 5 });
        expect(r.first_invalid_height, `${name} at ${height}`).toBe(height);
        expect(r.errors.map((e) => e.problem).join("\n"), `${name} at ${height}`).toMatch(problem);
      }
    }
  });

  it("random single-field corruption is always found at its height (seeded)", async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 40; i++) {
      const chain = clone(base);
      const k = 1 + rand(24);
      const [, mutate] = fieldMutations[rand(fieldMutations.length)]!;
      mutate(at(chain, k));
      const r = await verifyChain(source(chain), { pageSize: 1 + rand(10) });
      expect(r.first_invalid_height).toBe(k);
    }
  });

  it("a database error midway rejects (→ 503); it never turns into a verdict", async () => {
    const src = source(base);
    let pages = 0;
    const failing: VerifySource = {
      ...src,
      blocks: async (after, upTo, limit) => {
        if (++pages === 2) throw new Error("Connection terminated unexpectedly");
        return src.blocks(after, upTo, limit);
      },
    };
    await expect(verifyChain(failing, { pageSize: 5 })).rejects.toThrow(/Connection terminated/);
    await expect(
      verifyChain({ ...src, anchor: () => Promise.reject(new Error("ledger unavailable")) }),
    ).rejects.toThrow();
    await expect(verifyChain({ ...src, transactions: () => Promise.reject(new Error("timeout")) })).rejects.toThrow();
  });
});

// One rule broken, everything else consistent: the block is re-hashed (or re-mined), every block
// above it is re-mined onto it and the Durable Object's head follows, so the named check is the
// only one that can see it (`npm run guard-check` removes each check and expects these to fail).
describe("verifyChain: each check on its own", () => {
  const headerOf = (b: BlockRow) => ({
    height: b.height,
    timestamp: b.timestampMs,
    previous_hash: b.previousHash,
    merkle_root: b.merkleRoot,
    nonce: b.nonce,
    difficulty: b.difficulty,
    miner_address: b.minerAddress,
    reward: b.reward,
    transaction_count: b.transactionCount,
  });

  async function rehash(b: BlockRow, nonceRule: "mined" | "misses target"): Promise<void> {
    const template = headerOf(b);
    if (nonceRule === "mined") {
      const mined = await mineHeader(template, b.difficulty);
      Object.assign(b, { nonce: mined.nonce, hash: mined.hash });
      return;
    }
    for (let nonce = 0; ; nonce++) {
      const hash = await hashBlockHeader({ ...template, nonce });
      if (!meetsDifficulty(hash, b.difficulty)) return void Object.assign(b, { nonce, hash });
    }
  }

  /** Re-mines every block above `k` onto its (changed) parent; returns the new head. */
  async function relinkAbove(chain: Chain, k: number): Promise<ChainHead> {
    const top = chain.blocks.length - 1;
    for (let h = k + 1; h <= top; h++) {
      const b = at(chain, h);
      b.previousHash = at(chain, h - 1).hash;
      await rehash(b, "mined");
    }
    const last = at(chain, top);
    return { height: last.height, hash: last.hash, timestamp: last.timestampMs };
  }

  const cases: Array<[string, (c: Chain, k: number) => Promise<void>, (k: number) => string]> = [
    [
      "a hash that misses the proof-of-work target",
      (c, k) => rehash(at(c, k), "misses target"),
      () => "hash does not meet the proof-of-work difficulty 1",
    ],
    [
      "a re-mined block dated before its parent",
      async (c, k) => {
        at(c, k).timestampMs = at(c, k - 1).timestampMs - 1;
        await rehash(at(c, k), "mined");
      },
      (k) => `timestamp is earlier than block ${k - 1}'s`,
    ],
    [
      "a re-mined block linked to a hash no block has",
      async (c, k) => {
        at(c, k).previousHash = "ab".repeat(32);
        await rehash(at(c, k), "mined");
      },
      (k) => `previous_hash does not match the hash of block ${k - 1}`,
    ],
  ];
  for (const [name, breakIt, reason] of cases) {
    it(`names ${name}, and nothing else`, async () => {
      for (const k of [1, 12, 24]) {
        const chain = clone(base);
        await breakIt(chain, k);
        const r = await verifyChain(source(chain, await relinkAbove(chain, k)), { pageSize: 5 });
        expect(r.errors, `${name} at ${k}`).toEqual([{ height: k, problem: reason(k) }]);
        expect(r.valid).toBe(false);
      }
    });
  }

  it("names transactions reordered inside their block (only the merkle root sees it), and nothing else", async () => {
    for (const k of [3, 12, 24]) {
      const chain = clone(base);
      const [a, b] = chain.txs.filter((t) => t.blockHeight === k);
      [a!.id, b!.id] = [b!.id, a!.id];
      const r = await verifyChain(source(chain), { pageSize: 5 });
      expect(r.errors, `at ${k}`).toEqual([
        { height: k, problem: "merkle root does not match the block's transactions" },
      ]);
    }
  });
});
