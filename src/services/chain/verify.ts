// GET /verify: re-derives the whole chain from stored rows, the way a third party would.
//
// For every block 0..head: the genesis block is the fixed one; heights are consecutive; each
// previous_hash is the hash of the block below; the header hash recomputes; the hash meets the
// block's difficulty; timestamps never go back; the stored transactions are the ones the header
// counts and their merkle root is the header's; each transaction's hash recomputes from its
// fields, its public key belongs to its sender address and its Ed25519 signature verifies.
//
// A hash chain alone cannot see a deleted tail (what remains is a valid shorter chain), so the
// walk is anchored to the head held by the RoadChain Durable Object: blocks are read up to that
// head, and the database's own tail, read by the Durable Object while no append is in flight, must
// be exactly that head. A truncated tail, a rewritten tail and blocks written behind the
// Durable Object's back are all reported.
//
// Bounded work per request: blocks are read in pages of PAGE_SIZE by height (one query for the
// blocks and one for their transactions per page), so memory stays flat and 100k blocks cost ~200
// queries. Any database error propagates (→ 503): a failed read never becomes "valid".
import { addressFromPublicKey, verifyWalletSignature } from "../../lib/crypto/wallet-keys.ts";
import { genesisBlock, hashBlockHeader, MAX_DIFFICULTY, meetsDifficulty } from "./block-hash.ts";
import { type IssuanceConfig, rewardAt } from "./issuance.ts";
import type { BlockRow, ChainHead, TransactionRow } from "./ledger.ts";
import { merkleRoot } from "./merkle.ts";
import { hashTransaction, type TransactionPayload, transactionSigningPayload } from "./transaction-hash.ts";
import { headerOf } from "./views.ts";

export const PAGE_SIZE = 1000;
/** Problems listed in the response; the count past this is reported as a number. */
export const MAX_REPORTED_ERRORS = 100;

export type VerifyProblem = { height: number; problem: string };

export type VerifyResult = {
  valid: boolean;
  /** The head height according to the RoadChain Durable Object. */
  height: number;
  head_hash: string;
  /** Height of the newest block row in the database (null: none). */
  database_height: number | null;
  checked_blocks: number;
  checked_transactions: number;
  first_invalid_height: number | null;
  errors: VerifyProblem[];
  /** Problems found beyond MAX_REPORTED_ERRORS. */
  errors_omitted: number;
  duration_ms: number;
};

export interface VerifySource {
  /** The Durable Object's head and the database's newest block, read together (no append in between). */
  anchor(): Promise<{ head: ChainHead; tail: { height: number; hash: string } | null }>;
  /** Blocks with after < height ≤ upTo, ascending, at most `limit`. */
  blocks(after: number, upTo: number, limit: number): Promise<BlockRow[]>;
  /** Transactions of blocks from..to, ordered by block height then ascending id. */
  transactions(from: number, to: number): Promise<TransactionRow[]>;
}

/**
 * `issuance`: when given, every block's reward must follow the schedule (issuance.ts rewardAt; 0 for
 * a block without a miner address): coins exist only as the chain's rules create them.
 */
export async function verifyChain(
  source: VerifySource,
  opts: { pageSize?: number; issuance?: IssuanceConfig } = {},
): Promise<VerifyResult> {
  const started = Date.now();
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  const { head, tail } = await source.anchor();
  const genesis = await genesisBlock();
  const problems: VerifyProblem[] = [];
  let omitted = 0;
  const report = (height: number, problem: string) => {
    if (problems.length < MAX_REPORTED_ERRORS) problems.push({ height, problem });
    else omitted++;
  };
  const keys = new Map<string, Promise<boolean>>(); // public key + address → key belongs to address

  let prev: BlockRow | undefined;
  let expected = 0;
  let checkedBlocks = 0;
  let checkedTxs = 0;

  for (;;) {
    const page = await source.blocks(expected - 1, head.height, pageSize);
    if (page.length === 0) break;
    const first = page[0]!.height;
    const last = page[page.length - 1]!.height;
    const txs = await source.transactions(first, last);
    const byHeight = new Map<number, TransactionRow[]>();
    for (const t of txs) {
      const list = byHeight.get(t.blockHeight!) ?? [];
      list.push(t);
      byHeight.set(t.blockHeight!, list);
    }
    // Hash every header of the page concurrently (WebCrypto calls overlap), then walk in order.
    const recomputed = await Promise.all(page.map((row) => safeHash(row)));
    const txFindings = await Promise.all(
      page.map((row) => checkTransactions(row, byHeight.get(row.height) ?? [], keys)),
    );

    for (let i = 0; i < page.length; i++) {
      const row = page[i]!;
      if (row.height !== expected) {
        const missingTo = row.height - 1;
        report(expected, missingTo === expected ? "missing block" : `missing blocks ${expected}–${missingTo}`);
        prev = undefined; // nothing to link to
      }
      checkBlock(row, recomputed[i]!, prev, genesis.hash, report);
      if (opts.issuance && row.height > 0) {
        const due = row.minerAddress === null ? "0.00000000" : rewardAt(opts.issuance, row.height);
        if (row.reward !== due) report(row.height, `reward ${row.reward} differs from the schedule's ${due}`);
      }
      for (const p of txFindings[i]!.problems) report(row.height, p);
      checkedTxs += txFindings[i]!.count;
      checkedBlocks++;
      prev = row;
      expected = row.height + 1;
    }
    if (last >= head.height) break;
  }

  // Anchoring: the walk must reach the Durable Object's head, and the database must end there.
  if (expected <= head.height) {
    const ends = expected === 0 ? "has no blocks" : `ends at height ${expected - 1}`;
    report(
      expected,
      `missing block: the database ${ends} but the RoadChain head is at height ${head.height} (truncated chain)`,
    );
  } else if (prev && prev.height === head.height && prev.hash !== head.hash) {
    report(head.height, "block hash differs from the head recorded by the RoadChain Durable Object (rewritten tail)");
  }
  if (tail && tail.height > head.height) {
    report(
      head.height + 1,
      `block not appended through the RoadChain Durable Object: the database continues to height ${tail.height} past the head at ${head.height}`,
    );
  }

  problems.sort((a, b) => a.height - b.height);
  return {
    valid: problems.length === 0 && omitted === 0,
    height: head.height,
    head_hash: head.hash,
    database_height: tail?.height ?? null,
    checked_blocks: checkedBlocks,
    checked_transactions: checkedTxs,
    first_invalid_height: problems[0]?.height ?? null,
    errors: problems,
    errors_omitted: omitted,
    duration_ms: Date.now() - started,
  };
}

async function safeHash(row: BlockRow): Promise<string | Error> {
  try {
    return await hashBlockHeader(headerOf(row));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function checkBlock(
  row: BlockRow,
  recomputed: string | Error,
  prev: BlockRow | undefined,
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

async function checkTransactions(
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
