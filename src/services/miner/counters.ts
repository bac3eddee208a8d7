// A miner's work totals, how one round adds to them, and the status of a miner never started
// (kept by the Miner Durable Object).
import type { MinerCounters, MinerSnapshot } from "../../durable-objects/miner.contract.ts";
import { addUnits, formatAmount, parseAmount } from "../chain/amount.ts";
import type { RoundResult } from "./round.ts";

export const ZERO_COUNTERS: MinerCounters = {
  rounds: 0,
  failed_rounds: 0,
  hashes: 0,
  mining_ms: 0,
  shares_submitted: 0,
  shares_accepted: 0,
  shares_rejected: 0,
  blocks: 0,
  coins_earned: "0.00000000",
};

export function addRound(c: MinerCounters, r: RoundResult): MinerCounters {
  return {
    rounds: c.rounds + 1,
    failed_rounds: c.failed_rounds + (r.error ? 1 : 0),
    hashes: c.hashes + r.hashes,
    mining_ms: c.mining_ms + r.durationMs,
    shares_submitted: c.shares_submitted + r.submitted,
    shares_accepted: c.shares_accepted + r.accepted,
    shares_rejected: c.shares_rejected + r.rejected,
    blocks: c.blocks + (r.block ? 1 : 0),
    coins_earned: r.block
      ? formatAmount(addUnits(parseAmount(c.coins_earned), parseAmount(r.block.reward)))
      : c.coins_earned,
  };
}

/** The status of a miner that was never started (nothing in its storage yet). */
export function neverStartedSnapshot(intervalMs: number): MinerSnapshot {
  return {
    status: "stopped",
    chain: null,
    worker_id: null,
    started_at: null,
    stopped_at: null,
    stop_reason: null,
    first_started_at: null,
    interval_ms: intervalMs,
    next_round_at: null,
    last_round_at: null,
    last_block: null,
    last_error: null,
    consecutive_failures: 0,
    session: ZERO_COUNTERS,
    lifetime: ZERO_COUNTERS,
    recent: { rounds: 0, hashes: 0, ms: 0 },
  };
}
