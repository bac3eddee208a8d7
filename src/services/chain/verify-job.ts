// The full verification as a background job: the same walk as verify.ts verifyChain, cut into
// chunks of CHUNK_BLOCKS so that each chunk (one Durable Object alarm, chain-verifier.ts) stays
// far inside the Worker CPU limit whatever the chain's length. Everything a chunk needs from the
// previous one is in FullPassState (plain JSON, kept in the Durable Object's storage): where the
// walk is, the last block checked (its successor is linked to it), the counters and problems.
// The head is fixed when the job starts; blocks appended meanwhile are left to GET /verify.

import type { IssuanceConfig } from "./issuance.ts";
import type { ChainHead } from "./ledger.ts";
import {
  checkAnchor,
  Findings,
  type Link,
  type VerifyProblem,
  type VerifySource,
  walkBlocks,
  walkContext,
} from "./verify.ts";

/** ≈ 0.35 s of CPU on the bench chain (every 10th block holding a signed transfer). */
export const CHUNK_BLOCKS = 500;
/** Problems a job keeps (the count of all of them is kept too). */
export const KEPT_PROBLEMS = 20;

export type FullPassState = {
  jobId: number;
  chain: string;
  target: ChainHead;
  /** First height of the next chunk. */
  next: number;
  /** Height the walk expects next (below `next` when the last chunk ended in a gap). */
  expected: number;
  prev: Link | null;
  blocks: number;
  transactions: number;
  problems: VerifyProblem[];
  omitted: number;
  chunks: number;
  maxChunkMs: number;
  startedAt: number;
};

export type FullPassProgress = {
  done_blocks: number;
  total_blocks: number;
  chunks: number;
  max_chunk_ms: number;
  problems_found: number;
};

export function startFullPass(jobId: number, chain: string, target: ChainHead, now = Date.now()): FullPassState {
  return {
    jobId,
    chain,
    target,
    next: 0,
    expected: 0,
    prev: null,
    blocks: 0,
    transactions: 0,
    problems: [],
    omitted: 0,
    chunks: 0,
    maxChunkMs: 0,
    startedAt: now,
  };
}

export const isFinished = (s: FullPassState) => s.next > s.target.height;

export function progressOf(s: FullPassState): FullPassProgress {
  return {
    done_blocks: Math.min(s.next, s.target.height + 1),
    total_blocks: s.target.height + 1,
    chunks: s.chunks,
    max_chunk_ms: s.maxChunkMs,
    problems_found: s.problems.length + s.omitted,
  };
}

/** Verifies the next chunk of blocks and returns the state after it. */
export async function runChunk(
  source: Pick<VerifySource, "blocks" | "transactions">,
  state: FullPassState,
  opts: { chunkBlocks?: number; issuance?: IssuanceConfig } = {},
): Promise<FullPassState> {
  const started = Date.now();
  const findings = new Findings({ problems: state.problems, omitted: state.omitted });
  const chunk = opts.chunkBlocks ?? CHUNK_BLOCKS;
  const ctx = await walkContext({ findings, issuance: opts.issuance, pageSize: chunk });
  const to = Math.min(state.target.height, state.next + chunk - 1);
  const walked = await walkBlocks(source, ctx, {
    from: state.next,
    to,
    expected: state.expected,
    prev: state.prev ?? undefined,
  });
  return {
    ...state,
    next: to + 1,
    expected: walked.expected,
    prev: walked.last ?? state.prev,
    blocks: state.blocks + walked.blocks,
    transactions: state.transactions + walked.transactions,
    problems: findings.problems,
    omitted: findings.omitted,
    chunks: state.chunks + 1,
    maxChunkMs: Math.max(state.maxChunkMs, Date.now() - started),
  };
}

/**
 * The job's one result, once every chunk ran: the walk anchored to the head it started from, and
 * `now` (the Durable Object's head and database tail read at the end) for rows written past it
 * behind the Durable Object's back.
 */
export function finishFullPass(
  state: FullPassState,
  now: { head: ChainHead; tail: { height: number; hash: string } | null },
  finishedAt = Date.now(),
) {
  const findings = new Findings({ problems: state.problems, omitted: state.omitted });
  checkAnchor(findings, state.target, null, { expected: state.expected, last: state.prev ?? undefined });
  if (now.tail && now.tail.height > now.head.height)
    checkAnchor(findings, now.head, now.tail, { expected: Number.POSITIVE_INFINITY, last: undefined });
  const problems = findings.sorted();
  return {
    chain: state.chain,
    valid: findings.count === 0,
    height: state.target.height,
    head_hash: state.target.hash,
    database_height: now.tail?.height ?? null,
    checked_blocks: state.blocks,
    checked_transactions: state.transactions,
    first_invalid_height: problems[0]?.height ?? null,
    problems: problems.slice(0, KEPT_PROBLEMS),
    problem_count: findings.count,
    chunks: state.chunks,
    max_chunk_ms: state.maxChunkMs,
    duration_ms: finishedAt - state.startedAt,
  };
}

export type FullPassResult = ReturnType<typeof finishFullPass>;
