// The rules each stored block and transaction must follow, checked by every verification walk
// (verify.ts walkBlocks): header hash, genesis, link, timestamps, proof of work, transaction count,
// merkle root, each transaction's hash, key and Ed25519 signature. `npm run guard-check` removes
// them one at a time and expects a test to fail.
import { addressFromPublicKey, verifyWalletSignature } from "../../lib/crypto/wallet-keys.ts";
import { hashBlockHeader, MAX_DIFFICULTY, meetsDifficulty } from "./block-hash.ts";
import type { BlockRow, TransactionRow } from "./ledger.ts";
import { merkleRoot } from "./merkle.ts";
import { hashTransaction, type TransactionPayload, transactionSigningPayload } from "./transaction-hash.ts";
import { headerOf } from "./views.ts";

/** The last block a walk accepted: what the next block must link to. */
export type Link = { height: number; hash: string; timestampMs: number };

export async function safeHash(row: BlockRow): Promise<string | Error> {
  try {
    return await hashBlockHeader(headerOf(row));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export function checkBlock(
  row: BlockRow,
  recomputed: string | Error,
  prev: Link | undefined,
  genesisHash: string,
  report: (height: number, problem: string) => void,
): void {
  const h = row.height;
  if (recomputed instanceof Error) {
    report(h, `block header is malformed: ${recomputed.message}`);
  } else if (recomputed !== row.hash) {
    report(h, "block hash does not match its header (a header field was changed)");
  }
  if (h === 0) {
    if (row.hash !== genesisHash || recomputed !== genesisHash)
      report(0, "genesis block differs from the fixed genesis block");
  } else {
    if (prev && row.previousHash !== prev.hash) report(h, `previous_hash does not match the hash of block ${h - 1}`);
    if (prev && row.timestampMs < prev.timestampMs) report(h, `timestamp is earlier than block ${h - 1}'s`);
    const difficultyOk = Number.isInteger(row.difficulty) && row.difficulty >= 0 && row.difficulty <= MAX_DIFFICULTY;
    if (!difficultyOk) report(h, `difficulty ${row.difficulty} is out of range`);
    else if (typeof recomputed === "string" && !meetsDifficulty(recomputed, row.difficulty)) {
      report(h, `hash does not meet the proof-of-work difficulty ${row.difficulty}`);
    }
  }
}

export async function checkTransactions(
  block: BlockRow,
  txs: TransactionRow[],
  keys: Map<string, Promise<boolean>>,
): Promise<{ count: number; problems: string[] }> {
  const problems: string[] = [];
  if (txs.length !== block.transactionCount) {
    problems.push(`block holds ${txs.length} transactions but its header counts ${block.transactionCount}`);
  }
  const results = await Promise.all(txs.map((t) => checkTransaction(t, keys)));
  for (const r of results) problems.push(...r);
  let root: string | undefined;
  try {
    root = await merkleRoot(txs.map((t) => t.transactionHash));
  } catch {
    problems.push("a transaction hash is malformed, so the merkle root cannot be computed");
  }
  if (root !== undefined && root !== block.merkleRoot)
    problems.push("merkle root does not match the block's transactions");
  return { count: txs.length, problems };
}

async function checkTransaction(t: TransactionRow, keys: Map<string, Promise<boolean>>): Promise<string[]> {
  const label = `transaction ${t.transactionHash.slice(0, 16)}…`;
  const problems: string[] = [];
  if (!t.isConfirmed) problems.push(`${label} is in a block but not marked confirmed`);
  let text: string;
  try {
    const payload: TransactionPayload = {
      from_address: t.fromAddress,
      to_address: t.toAddress,
      amount: t.amount,
      fee: t.fee,
      message: t.message,
      timestamp: t.timestampMs,
      nonce: t.nonce,
    };
    text = transactionSigningPayload(payload);
    if ((await hashTransaction(payload)) !== t.transactionHash) {
      problems.push(
        `${label}: hash does not match its contents (amount, addresses, message, fee, nonce or timestamp changed)`,
      );
    }
  } catch (err) {
    problems.push(`${label}: malformed (${err instanceof Error ? err.message : "invalid fields"})`);
    return problems;
  }
  const cacheKey = `${t.senderPublicKey}:${t.fromAddress}`;
  let owns = keys.get(cacheKey);
  if (!owns) {
    owns = keyBelongsTo(t.senderPublicKey, t.fromAddress);
    keys.set(cacheKey, owns);
  }
  if (!(await owns)) problems.push(`${label}: public key does not belong to the sender address`);
  else if (!(await verifyWalletSignature(t.senderPublicKey, text, t.signature)))
    problems.push(`${label}: invalid signature`);
  return problems;
}

async function keyBelongsTo(publicKey: string, address: string): Promise<boolean> {
  try {
    const b64 = publicKey.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const raw = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) raw[i] = bin.charCodeAt(i);
    return raw.length === 32 && (await addressFromPublicKey(raw)) === address;
  } catch {
    return false;
  }
}
