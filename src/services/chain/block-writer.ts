// The one database write that appends a block: used only by the RoadChain Durable Object
// (durable-objects/roadchain.ts), which serialises appends and checks each proposal first.
import { and, eq, inArray, sql } from "drizzle-orm";
import { blocks, transactions, wallets } from "../../db/schema/index.ts";
import { completeIdempotent, type IdempotencyClaim } from "../idempotency.ts";
import { parseAmount } from "./amount.ts";
import { type BlockHeader, GENESIS_HEADER } from "./block-hash.ts";
import type { BlockRow, Queryable, TransactionRow } from "./ledger.ts";

/** What a miner hands the Durable Object: a mined header and the transactions it commits to. */
export type BlockProposal = {
  header: BlockHeader;
  hash: string;
  minerId: number | null;
  /** In block order (ascending id); hashes as mined, re-checked against the rows. */
  transactions: { id: number; hash: string }[];
  /** Completed in the same database transaction as the block, when the request carried a key. */
  idempotency?: IdempotencyClaim;
};

/** A transaction the proposal includes was confirmed meanwhile (or changed): mine again. */
export class StaleProposalError extends Error {
  override name = "StaleProposalError";
}

/** Inserts the genesis row if this chain has none. Idempotent and race-free (unique height). */
export async function ensureGenesisRow(db: Queryable, chain: string, genesisHash: string): Promise<void> {
  await db
    .insert(blocks)
    .values({ ...rowValues(chain, GENESIS_HEADER, genesisHash), minerId: null })
    .onConflictDoNothing();
}

/**
 * Writes one block in an open transaction: the block row, its transactions confirmed, the reward
 * credited to the miner's primary wallet, and the idempotency record completed. Throws
 * StaleProposalError (caller rolls back) if any included transaction is no longer pending.
 * Unique violations on (chain, height) / (chain, previous_hash) propagate: they mean a fork was
 * attempted and the database refused it.
 */
export async function writeBlock(
  tx: Queryable,
  chain: string,
  proposal: BlockProposal,
  render: (block: BlockRow, txs: TransactionRow[]) => unknown,
): Promise<{ block: BlockRow; transactions: TransactionRow[] }> {
  const { header, hash } = proposal;
  const [block] = await tx
    .insert(blocks)
    .values({ ...rowValues(chain, header, hash), minerId: proposal.minerId })
    .returning();
  if (!block) throw new Error("block insert returned no row");

  let confirmed: TransactionRow[] = [];
  if (proposal.transactions.length > 0) {
    const ids = proposal.transactions.map((t) => t.id);
    confirmed = await tx
      .update(transactions)
      .set({ blockHeight: header.height, isConfirmed: true, confirmedAt: sql`now()` })
      .where(and(eq(transactions.chain, chain), inArray(transactions.id, ids), eq(transactions.isConfirmed, false)))
      .returning();
    confirmed.sort((a, b) => a.id - b.id);
    const same =
      confirmed.length === proposal.transactions.length &&
      confirmed.every(
        (row, i) => row.id === proposal.transactions[i]!.id && row.transactionHash === proposal.transactions[i]!.hash,
      );
    if (!same) throw new StaleProposalError("an included transaction is no longer pending");
  }

  if (header.miner_address !== null && parseAmount(header.reward) > 0n) {
    await tx
      .update(wallets)
      .set({ balance: sql`${wallets.balance} + ${header.reward}::numeric`, updatedAt: sql`now()` })
      .where(eq(wallets.address, header.miner_address));
  }

  if (proposal.idempotency) {
    await completeIdempotent(tx, proposal.idempotency, 201, render(block, confirmed));
  }
  return { block, transactions: confirmed };
}

function rowValues(chain: string, header: BlockHeader, hash: string) {
  return {
    chain,
    height: header.height,
    timestampMs: header.timestamp,
    previousHash: header.previous_hash,
    merkleRoot: header.merkle_root,
    nonce: header.nonce,
    difficulty: header.difficulty,
    minerAddress: header.miner_address,
    reward: header.reward,
    transactionCount: header.transaction_count,
    hash,
  };
}
