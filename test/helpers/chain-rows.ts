// In-memory RoadChains for the verification walks' unit tests: real mined blocks (difficulty 1)
// and real signed transfers, served by a VerifySource over arrays (no database).
import { type GeneratedWallet, generateWallet, signWithWallet } from "../../src/lib/crypto/wallet-keys.ts";
import { GENESIS_HEADER, genesisBlock } from "../../src/services/chain/block-hash.ts";
import type { BlockRow, ChainHead, TransactionRow } from "../../src/services/chain/ledger.ts";
import { merkleRoot } from "../../src/services/chain/merkle.ts";
import { mineHeader } from "../../src/services/chain/proof-of-work.ts";
import {
  hashTransaction,
  type TransactionPayload,
  transactionSigningPayload,
} from "../../src/services/chain/transaction-hash.ts";
import type { VerifySource } from "../../src/services/chain/verify.ts";
import type { Checkpoint, CheckpointStore } from "../../src/services/chain/verify-incremental.ts";

const MASTER = "unit-test-master-key-0123456789abcdef0123456789";
const T0 = 1_767_225_600_000;

export type RowChain = { blocks: BlockRow[]; txs: TransactionRow[] };

/** Genesis + n blocks; every `txEvery`-th block holds one signed transfer. */
export async function buildRowChain(n: number, txEvery = 10): Promise<RowChain> {
  const alice: GeneratedWallet = await generateWallet(MASTER);
  const bob: GeneratedWallet = await generateWallet(MASTER);
  const genesis = await genesisBlock();
  const blocks: BlockRow[] = [rowOf(0, GENESIS_HEADER, genesis.hash)];
  const txs: TransactionRow[] = [];
  for (let h = 1; h <= n; h++) {
    const ts = T0 + h * 1000;
    const included: TransactionRow[] = [];
    if (h % txEvery === 0) {
      const payload: TransactionPayload = {
        from_address: alice.address,
        to_address: bob.address,
        amount: "1.00000000",
        fee: "0.00000000",
        message: null,
        timestamp: ts - 1,
        nonce: `n${h}`,
      };
      included.push({
        id: h,
        chain: "t_unit",
        transactionHash: await hashTransaction(payload),
        fromAddress: alice.address,
        toAddress: bob.address,
        amount: payload.amount,
        fee: payload.fee,
        message: null,
        nonce: payload.nonce,
        timestampMs: payload.timestamp,
        signature: await signWithWallet(
          alice.encryptedPrivateKey,
          alice.address,
          MASTER,
          transactionSigningPayload(payload),
        ),
        senderPublicKey: alice.publicKey,
        blockHeight: h,
        isConfirmed: true,
        createdAt: new Date(ts),
        confirmedAt: new Date(ts),
      });
    }
    const mined = await mineHeader(
      {
        height: h,
        timestamp: ts,
        previous_hash: blocks[h - 1]!.hash,
        merkle_root: await merkleRoot(included.map((t) => t.transactionHash)),
        miner_address: alice.address,
        reward: "50.00000000",
        transaction_count: included.length,
      },
      1,
    );
    blocks.push(rowOf(h, mined.header, mined.hash));
    txs.push(...included);
  }
  return { blocks, txs };
}

function rowOf(height: number, header: typeof GENESIS_HEADER, hash: string): BlockRow {
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

export const cloneRows = (c: RowChain): RowChain => ({
  blocks: c.blocks.map((b) => ({ ...b })),
  txs: c.txs.map((t) => ({ ...t })),
});

export const blockAt = (c: RowChain, height: number) => c.blocks.find((b) => b.height === height)!;

export const headOf = (c: RowChain, height = Math.max(...c.blocks.map((b) => b.height))): ChainHead => {
  const b = blockAt(c, height);
  return { height: b.height, hash: b.hash, timestamp: b.timestampMs };
};

/** A source over the rows, with the Durable Object's head given; `reads` counts the blocks served. */
export function rowSource(chain: RowChain, head: ChainHead): VerifySource & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    anchor: async () => {
      const tail = [...chain.blocks].sort((a, b) => b.height - a.height)[0];
      return { head, tail: tail ? { height: tail.height, hash: tail.hash } : null };
    },
    blocks: async (after, upTo, limit) => {
      const page = chain.blocks
        .filter((b) => b.height > after && b.height <= upTo)
        .sort((a, b) => a.height - b.height)
        .slice(0, limit);
      reads.push(...page.map((b) => b.height));
      return page;
    },
    transactions: async (from, to) =>
      chain.txs
        .filter((t) => t.blockHeight !== null && t.blockHeight >= from && t.blockHeight <= to)
        .sort((a, b) => a.blockHeight! - b.blockHeight! || a.id - b.id),
  };
}

/** The checkpoint store's contract, in memory (the Durable Object keeps the same list). */
export function memoryCheckpoints(): CheckpointStore & { list: Checkpoint[] } {
  const store = {
    list: [] as Checkpoint[],
    latest: async () => store.list.at(-1) ?? null,
    extend: async (base: Checkpoint | null, point: Omit<Checkpoint, "verified_at">) => {
      if (base && !store.list.some((c) => c.height === base.height && c.hash === base.hash)) return false;
      store.list = [...store.list.filter((c) => c.height !== point.height), { ...point, verified_at: Date.now() }].sort(
        (a, b) => a.height - b.height,
      );
      return true;
    },
    dropFrom: async (height: number) => {
      store.list = store.list.filter((c) => c.height < height);
    },
  };
  return store;
}
