// The ledger's public JSON views: blocks and transactions as the API returns them.
import { normalizeAmount } from "./amount.ts";
import type { BlockHeader } from "./block-hash.ts";
import type { BlockRow, TransactionRow } from "./ledger.ts";

export type TransactionView = {
  id: number;
  transaction_hash: string;
  from_address: string;
  to_address: string;
  amount: string;
  fee: string;
  message: string | null;
  nonce: string;
  timestamp: number;
  signature: string;
  public_key: string;
  is_confirmed: boolean;
  block_height: number | null;
  created_at: string;
  confirmed_at: string | null;
};

export type BlockSummaryView = {
  id: number;
  height: number;
  /** The original API's name for height. */
  index: number;
  hash: string;
  previous_hash: string;
  merkle_root: string;
  timestamp: number;
  timestamp_iso: string;
  nonce: number;
  difficulty: number;
  miner_address: string | null;
  reward: string;
  transaction_count: number;
};

export type BlockView = BlockSummaryView & { transactions: TransactionView[] };

/** numeric(20,8) text → canonical 8-decimal string (Postgres already prints it so; this pins it). */
const amountText = normalizeAmount;

export function transactionView(row: TransactionRow): TransactionView {
  return {
    id: row.id,
    transaction_hash: row.transactionHash,
    from_address: row.fromAddress,
    to_address: row.toAddress,
    amount: amountText(row.amount),
    fee: amountText(row.fee),
    message: row.message,
    nonce: row.nonce,
    timestamp: row.timestampMs,
    signature: row.signature,
    public_key: row.senderPublicKey,
    is_confirmed: row.isConfirmed,
    block_height: row.blockHeight,
    created_at: row.createdAt.toISOString(),
    confirmed_at: row.confirmedAt ? row.confirmedAt.toISOString() : null,
  };
}

export function blockSummaryView(row: BlockRow): BlockSummaryView {
  return {
    id: row.id,
    height: row.height,
    index: row.height,
    hash: row.hash,
    previous_hash: row.previousHash,
    merkle_root: row.merkleRoot,
    timestamp: row.timestampMs,
    timestamp_iso: new Date(row.timestampMs).toISOString(),
    nonce: row.nonce,
    difficulty: row.difficulty,
    miner_address: row.minerAddress,
    reward: amountText(row.reward),
    transaction_count: row.transactionCount,
  };
}

export function blockView(row: BlockRow, txs: TransactionRow[]): BlockView {
  return { ...blockSummaryView(row), transactions: txs.map(transactionView) };
}

/** The hashed header of a stored block, exactly as block-hash.ts defines it. */
export function headerOf(row: BlockRow): BlockHeader {
  return {
    height: row.height,
    timestamp: row.timestampMs,
    previous_hash: row.previousHash,
    merkle_root: row.merkleRoot,
    nonce: row.nonce,
    difficulty: row.difficulty,
    miner_address: row.minerAddress,
    reward: amountText(row.reward),
    transaction_count: row.transactionCount,
  };
}
