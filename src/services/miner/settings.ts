/**
 * Miner pacing, read from the Worker's bindings (not part of the shared config schema: only the
 * miner uses it). A bad value falls back to the default and logs once, never breaks the Worker.
 *
 *   MINER_INTERVAL_MS   pause between two mining rounds of one user's miner (default 20 s).
 *                       Each round mines at most one block, so this is also the fastest pace at
 *                       which one miner adds blocks to the chain.
 */
export const DEFAULT_INTERVAL_MS = 20_000;
export const MIN_INTERVAL_MS = 1_000;
export const MAX_INTERVAL_MS = 60 * 60 * 1000;

/** The first round runs soon after a start (not a whole interval later), but not inside the request. */
export const FIRST_ROUND_MAX_DELAY_MS = 2_000;
/** After failures the next round waits interval × 2^(failures−1), capped here. */
export const MAX_BACKOFF_MS = 10 * 60 * 1000;
/** A miner that keeps failing stops itself (with the reason in its status) instead of retrying forever. */
export const MAX_CONSECUTIVE_FAILURES = 10;
/** A run ends by itself after this long; starting again is one click. Bounds forgotten miners. */
export const MAX_RUN_MS = 24 * 60 * 60 * 1000;
/**
 * Block proposals per round: a proposal that lost the race to another block ("stale") is mined
 * again on the new head, at most this many times, so one alarm's work stays bounded.
 */
export const MAX_PROPOSALS_PER_ROUND = 4;
/** Rounds the "current" hashrate is measured over. */
export const RECENT_ROUNDS = 10;
/** Round records kept in the miner's storage (lifetime totals are kept separately). */
export const KEPT_ROUNDS = 200;

let warned = false;

export function minerIntervalMs(env: { MINER_INTERVAL_MS?: string }): number {
  const raw = env.MINER_INTERVAL_MS;
  if (raw === undefined || raw.trim() === "") return DEFAULT_INTERVAL_MS;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= MIN_INTERVAL_MS && n <= MAX_INTERVAL_MS) return n;
  if (!warned) {
    warned = true;
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: `MINER_INTERVAL_MS must be an integer from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}; using ${DEFAULT_INTERVAL_MS}`,
      }),
    );
  }
  return DEFAULT_INTERVAL_MS;
}

/** Delay before the next round after `failures` consecutive failed rounds (0 = the last one succeeded). */
export function nextRoundDelay(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(failures - 1, 16));
}
