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
import { genesisBlock } from "./block-hash.ts";
import { type IssuanceConfig, rewardAt } from "./issuance.ts";
import type { BlockRow, ChainHead, TransactionRow } from "./ledger.ts";
import { checkBlock, checkTransactions, type Link, safeHash } from "./verify-checks.ts";

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

/** The stored fields of a block that its successor is checked against. */
export type { Link }; // defined beside the checks that use it (verify-checks.ts)

/** Problems found so far: deduplicated, the first MAX_REPORTED_ERRORS kept, the rest counted. */
export class Findings {
  readonly problems: VerifyProblem[] = [];
  omitted = 0;
  readonly #seen = new Set<string>();
  constructor(initial: { problems?: VerifyProblem[]; omitted?: number } = {}) {
    for (const p of initial.problems ?? []) this.report(p.height, p.problem);
    this.omitted += initial.omitted ?? 0;
  }
  report(height: number, problem: string): void {
    const key = `${height}:${problem}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.problems.length < MAX_REPORTED_ERRORS) this.problems.push({ height, problem });
    else this.omitted++;
  }
  get count(): number {
    return this.problems.length + this.omitted;
  }
  sorted(): VerifyProblem[] {
    return [...this.problems].sort((a, b) => a.height - b.height);
  }
}

/** What a walk needs besides the rows: where to report, and per-run caches. */
export type WalkContext = {
  findings: Findings;
  genesisHash: string;
  issuance?: IssuanceConfig;
  pageSize: number;
  /** public key + address → key belongs to address (cached for the run). */
  keys: Map<string, Promise<boolean>>;
};

export type WalkResult = {
  /** The height after the last block read (the starting `expected` when none was). */
  expected: number;
  first: Link | undefined;
  last: Link | undefined;
  blocks: number;
  transactions: number;
};

export async function walkContext(opts: { pageSize?: number; issuance?: IssuanceConfig; findings?: Findings }) {
  return {
    findings: opts.findings ?? new Findings(),
    genesisHash: (await genesisBlock()).hash,
    issuance: opts.issuance,
    pageSize: opts.pageSize ?? PAGE_SIZE,
    keys: new Map(),
  } satisfies WalkContext;
}

/**
 * Checks the stored blocks with from ≤ height ≤ to, in pages, each against the one below it (the
 * first against `prev` when given). A gap followed by a block is reported; a gap at the end of the
 * range is the caller's to judge (a truncated chain, or a window ending early).
 */
export async function walkBlocks(
  source: Pick<VerifySource, "blocks" | "transactions">,
  ctx: WalkContext,
  range: { from: number; to: number; prev?: Link; expected?: number },
): Promise<WalkResult> {
  const report = (height: number, problem: string) => ctx.findings.report(height, problem);
  let prev: Link | undefined = range.prev;
  // `expected` may lag `from` when an earlier chunk of the same walk ended in a gap.
  let expected = range.expected ?? range.from;
  let cursor = range.from;
  let first: Link | undefined;
  let checkedBlocks = 0;
  let checkedTxs = 0;

  while (cursor <= range.to) {
    const page = await source.blocks(cursor - 1, range.to, ctx.pageSize);
    if (page.length === 0) break;
    const firstHeight = page[0]!.height;
    const last = page[page.length - 1]!.height;
    const txs = await source.transactions(firstHeight, last);
    const byHeight = new Map<number, TransactionRow[]>();
    for (const t of txs) {
      const list = byHeight.get(t.blockHeight!) ?? [];
      list.push(t);
      byHeight.set(t.blockHeight!, list);
    }
    // Hash every header of the page concurrently (WebCrypto calls overlap), then walk in order.
    const recomputed = await Promise.all(page.map((row) => safeHash(row)));
    const txFindings = await Promise.all(
      page.map((row) => checkTransactions(row, byHeight.get(row.height) ?? [], ctx.keys)),
    );

    for (let i = 0; i < page.length; i++) {
      const row = page[i]!;
      if (row.height !== expected) {
        const missingTo = row.height - 1;
        report(expected, missingTo === expected ? "missing block" : `missing blocks ${expected}–${missingTo}`);
        prev = undefined; // nothing to link to
      }
      checkBlock(row, recomputed[i]!, prev, ctx.genesisHash, report);
      if (ctx.issuance && row.height > 0) {
        const due = row.minerAddress === null ? "0.00000000" : rewardAt(ctx.issuance, row.height);
        if (row.reward !== due) report(row.height, `reward ${row.reward} differs from the schedule's ${due}`);
      }
      for (const p of txFindings[i]!.problems) report(row.height, p);
      checkedTxs += txFindings[i]!.count;
      checkedBlocks++;
      prev = { height: row.height, hash: row.hash, timestampMs: row.timestampMs };
      first ??= prev;
      expected = row.height + 1;
    }
    cursor = last + 1;
  }
  return { expected, first, last: prev, blocks: checkedBlocks, transactions: checkedTxs };
}

/**
 * The whole chain in one call, genesis to head (the background job runs the same walk in chunks,
 * verify-job.ts; GET /verify goes incremental, verify-incremental.ts).
 * `issuance`: when given, every block's reward must follow the schedule (issuance.ts rewardAt; 0 for
 * a block without a miner address): coins exist only as the chain's rules create them.
 */
export async function verifyChain(
  source: VerifySource,
  opts: { pageSize?: number; issuance?: IssuanceConfig } = {},
): Promise<VerifyResult> {
  const started = Date.now();
  const { head, tail } = await source.anchor();
  const ctx = await walkContext(opts);
  const walked = await walkBlocks(source, ctx, { from: 0, to: head.height });
  checkAnchor(ctx.findings, head, tail, walked);
  const problems = ctx.findings.sorted();
  return {
    valid: ctx.findings.count === 0,
    height: head.height,
    head_hash: head.hash,
    database_height: tail?.height ?? null,
    checked_blocks: walked.blocks,
    checked_transactions: walked.transactions,
    first_invalid_height: problems[0]?.height ?? null,
    errors: problems,
    errors_omitted: ctx.findings.omitted,
    duration_ms: Date.now() - started,
  };
}

/**
 * Anchoring: a walk that covered the chain up to the head must reach the Durable Object's head, and
 * the database must end there. `walked` is that walk (its end and last block).
 */
export function checkAnchor(
  findings: Findings,
  head: ChainHead,
  tail: { height: number; hash: string } | null,
  walked: Pick<WalkResult, "expected" | "last">,
): void {
  const { expected, last } = walked;
  if (expected <= head.height) {
    const ends = expected === 0 ? "has no blocks" : `ends at height ${expected - 1}`;
    findings.report(
      expected,
      `missing block: the database ${ends} but the RoadChain head is at height ${head.height} (truncated chain)`,
    );
  } else if (last && last.height === head.height && last.hash !== head.hash) {
    findings.report(
      head.height,
      "block hash differs from the head recorded by the RoadChain Durable Object (rewritten tail)",
    );
  }
  if (tail && tail.height > head.height) {
    findings.report(
      head.height + 1,
      `block not appended through the RoadChain Durable Object: the database continues to height ${tail.height} past the head at ${head.height}`,
    );
  }
}
