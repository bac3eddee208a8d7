// GET /verify with verified checkpoints: the cost of a request does not grow with the chain.
//
// A checkpoint says "blocks 0..height were verified, and the block at `height` then had `hash`".
// They are kept by the chain's verifier Durable Object (chain-verifier.ts), outside the database
// whose rows they vouch for, so rewriting rows cannot forge one. A request:
//  1. walks only what is new: from the latest checkpoint's block (re-hashed, and its stored hash
//     must still be the checkpointed one) up to the head, at most MAX_NEW_BLOCKS per request;
//  2. re-walks SAMPLE_WINDOWS random windows of SAMPLE_WINDOW_BLOCKS old blocks below the
//     checkpoint with every check (or the whole old range when it is that small), so tampering
//     inside a verified range is caught by chance per request and for sure by the full pass;
//  3. anchors the result to the RoadChain Durable Object's head, as the full walk does.
// A clean request records a checkpoint at the height it reached. A problem at or below the
// checkpoint drops every checkpoint from just below it, so once seen it is reported by every later
// request (never "found by one sample, missed by the next") until the rows are repaired.
// The full pass (verify-job.ts) walks the whole chain in chunks, on demand and on a schedule.
import type { IssuanceConfig } from "./issuance.ts";
import { checkAnchor, type VerifyResult, type VerifySource, walkBlocks, walkContext } from "./verify.ts";

/** New blocks one request verifies at most (≈ 0.7 ms of CPU each); the rest waits for the next. */
export const MAX_NEW_BLOCKS = 2_000;
export const SAMPLE_WINDOWS = 4;
export const SAMPLE_WINDOW_BLOCKS = 16;

export type Checkpoint = { height: number; hash: string; verified_at: number; by: "request" | "job" };

export interface CheckpointStore {
  latest(): Promise<Checkpoint | null>;
  /**
   * Records that the chain up to `point` is verified, by a walk that started at checkpoint `base`
   * (null: at genesis). Refused (false) when `base` was dropped meanwhile.
   */
  extend(base: Checkpoint | null, point: Omit<Checkpoint, "verified_at">): Promise<boolean>;
  /** Forgets every checkpoint at or above `height`. */
  dropFrom(height: number): Promise<void>;
}

export type IncrementalResult = VerifyResult & {
  /** False when more than MAX_NEW_BLOCKS were new: the next request continues (valid stays false). */
  complete: boolean;
  /** Where this request's walk began: the checkpoint's height, or 0 with none. */
  verified_from: number;
  checkpoint_height: number | null;
  checkpoint_verified_at: string | null;
  /** Old blocks below the checkpoint re-checked by this request's sample windows. */
  sampled_blocks: number;
  /** Blocks above what this request reached (0 when complete). */
  remaining_blocks: number;
};

export type IncrementalOptions = {
  issuance?: IssuanceConfig;
  pageSize?: number;
  maxNewBlocks?: number;
  sample?: { windows: number; size: number };
  /** [0, 1) — injectable so tests can choose the windows. */
  random?: () => number;
};

/** Random windows [from, to] inside heights 0..top: merged, ascending; all of it when small. */
export function sampleWindows(
  top: number,
  sample: { windows: number; size: number },
  random: () => number,
): Array<[number, number]> {
  const n = top + 1;
  if (n <= 0 || sample.windows <= 0 || sample.size <= 0) return [];
  if (n <= sample.windows * sample.size) return [[0, top]];
  const starts = Array.from({ length: sample.windows }, () => Math.floor(random() * (n - sample.size + 1))).sort(
    (a, b) => a - b,
  );
  const windows: Array<[number, number]> = [];
  for (const s of starts) {
    const end = s + sample.size - 1;
    const last = windows.at(-1);
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], end);
    else windows.push([s, end]);
  }
  return windows;
}

export async function verifyIncremental(
  source: VerifySource,
  store: CheckpointStore,
  opts: IncrementalOptions = {},
): Promise<IncrementalResult> {
  const started = Date.now();
  const [{ head, tail }, latest] = await Promise.all([source.anchor(), store.latest()]);
  const checkpoint = latest && latest.height <= head.height ? latest : null;
  const ctx = await walkContext(opts);
  const { findings } = ctx;

  // 1. What is new since the checkpoint, starting at the checkpoint's own block (the link).
  const from = checkpoint?.height ?? 0;
  const to = Math.min(head.height, from + (opts.maxNewBlocks ?? MAX_NEW_BLOCKS));
  const walked = await walkBlocks(source, ctx, { from, to });
  if (checkpoint && walked.first?.height === checkpoint.height && walked.first.hash !== checkpoint.hash) {
    findings.report(
      checkpoint.height,
      `block hash differs from the one verified at this checkpoint on ${new Date(checkpoint.verified_at).toISOString()} (the block was replaced)`,
    );
  }

  // 2. Sample windows below the checkpoint, each walked with every check.
  let sampled = 0;
  for (const [a, b] of sampleWindows(from - 1, opts.sample ?? defaultSample, opts.random ?? Math.random)) {
    const w = await walkBlocks(source, ctx, { from: a, to: b });
    sampled += w.blocks;
    // A gap at a window's end is a missing block only if the database goes on above it.
    if (w.expected <= b && tail && tail.height > b) {
      findings.report(w.expected, w.expected === b ? "missing block" : `missing blocks ${w.expected}–${b}`);
    }
  }

  // 3. Anchoring to the Durable Object's head.
  const complete = to === head.height;
  if (complete) {
    const end = walked.blocks > 0 ? walked.expected : tail ? Math.min(from, tail.height + 1) : 0;
    checkAnchor(findings, head, tail, { expected: end, last: walked.last });
  } else {
    // The walk stopped short of the head: judge the tail from the anchor's own read of it.
    const reached = tail !== null && tail.height >= head.height;
    checkAnchor(findings, head, tail, {
      expected: reached ? head.height + 1 : (tail?.height ?? -1) + 1,
      last: tail?.height === head.height ? { ...tail, timestampMs: 0 } : undefined,
    });
  }

  const problems = findings.sorted();
  if (findings.count === 0 && walked.last?.height === to) {
    await store.extend(checkpoint, { height: to, hash: walked.last.hash, by: "request" });
  } else if (checkpoint && problems[0] && problems[0].height <= checkpoint.height) {
    await store.dropFrom(Math.max(0, problems[0].height - 1));
  }

  return {
    valid: findings.count === 0 && complete,
    height: head.height,
    head_hash: head.hash,
    database_height: tail?.height ?? null,
    checked_blocks: walked.blocks,
    checked_transactions: walked.transactions,
    first_invalid_height: problems[0]?.height ?? null,
    errors: problems,
    errors_omitted: findings.omitted,
    duration_ms: Date.now() - started,
    complete,
    verified_from: from,
    checkpoint_height: checkpoint?.height ?? null,
    checkpoint_verified_at: checkpoint ? new Date(checkpoint.verified_at).toISOString() : null,
    sampled_blocks: sampled,
    remaining_blocks: head.height - to,
  };
}

const defaultSample = { windows: SAMPLE_WINDOWS, size: SAMPLE_WINDOW_BLOCKS };
