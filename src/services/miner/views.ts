// The miner's public JSON: its status, stats, mined blocks and the pool, from the Miner Durable
// Object's snapshot and the chain reads (the route schemas in routes/miner describe these shapes).
import type { MinerCounters, MinerSnapshot } from "../../durable-objects/miner.contract.ts";
import type { BlockSummaryView } from "../chain/views.ts";
import { formatHashrate, type MinedTotals, type NetworkPace } from "./chain-reads.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const rate = (hashes: number, ms: number) => (ms > 0 ? Math.round((hashes / (ms / 1000)) * 100) / 100 : null);
const mhs = (hs: number | null) => (hs === null ? null : Math.round(hs / 10) / 100_000);

export function minerStatusJson(s: MinerSnapshot, now = Date.now()) {
  const running = s.status === "running";
  const current = running ? rate(s.recent.hashes, s.recent.ms) : 0;
  const uptimeMs = running && s.started_at !== null ? Math.max(0, now - s.started_at) : 0;
  return {
    is_mining: running,
    status: s.status,
    chain: s.chain,
    worker_id: s.worker_id,
    hashrate_hs: current,
    hashrate_mhs: mhs(current),
    hashrate: formatHashrate(current),
    effective_hashrate_hs: running ? rate(s.session.hashes, uptimeMs) : 0,
    shares_submitted: s.session.shares_submitted,
    shares_accepted: s.session.shares_accepted,
    shares_rejected: s.session.shares_rejected,
    blocks_found: s.session.blocks,
    rounds: s.session.rounds,
    uptime_seconds: Math.floor(uptimeMs / 1000),
    started_at: iso(s.started_at),
    stopped_at: iso(s.stopped_at),
    stop_reason: s.stop_reason,
    interval_seconds: s.interval_ms / 1000,
    next_round_at: iso(s.next_round_at),
    last_round_at: iso(s.last_round_at),
    last_block: s.last_block
      ? {
          height: s.last_block.height,
          hash: s.last_block.hash,
          reward: s.last_block.reward,
          transaction_count: s.last_block.transaction_count,
          mined_at: new Date(s.last_block.mined_at).toISOString(),
        }
      : null,
    last_error: s.last_error ? { message: s.last_error.message, at: new Date(s.last_error.at).toISOString() } : null,
    consecutive_failures: s.consecutive_failures,
  };
}

export const countersJson = (c: MinerCounters) => ({
  rounds: c.rounds,
  failed_rounds: c.failed_rounds,
  hashes: c.hashes,
  mining_seconds: c.mining_ms / 1000,
  shares_submitted: c.shares_submitted,
  shares_accepted: c.shares_accepted,
  shares_rejected: c.shares_rejected,
  blocks: c.blocks,
  coins_earned: c.coins_earned,
  hashrate_hs: rate(c.hashes, c.mining_ms),
});

export function minerStatsJson(s: MinerSnapshot, totals: MinedTotals) {
  const running = s.status === "running";
  const current = running ? rate(s.recent.hashes, s.recent.ms) : 0;
  const average = rate(s.lifetime.hashes, s.lifetime.mining_ms);
  return {
    blocks_mined: totals.blocks_mined,
    roadcoins_earned: totals.roadcoins_earned,
    current_hashrate_hs: current,
    current_hashrate_mhs: mhs(current),
    average_hashrate_hs: average,
    average_hashrate_mhs: mhs(average),
    total_hashes: s.lifetime.hashes,
    total_shares: s.lifetime.shares_submitted,
    accepted_shares: s.lifetime.shares_accepted,
    rejected_shares: s.lifetime.shares_rejected,
    last_block_time: iso(totals.last_block_time),
    mining_since: running ? iso(s.started_at) : null,
    since: iso(s.first_started_at),
    is_mining: running,
    session: countersJson(s.session),
    lifetime: countersJson(s.lifetime),
  };
}

export const minedBlockJson = (b: BlockSummaryView) => ({
  height: b.height,
  block_index: b.height,
  hash: b.hash,
  block_hash: b.hash,
  previous_hash: b.previous_hash,
  reward: b.reward,
  difficulty: b.difficulty,
  nonce: b.nonce,
  transaction_count: b.transaction_count,
  timestamp: b.timestamp,
  timestamp_iso: b.timestamp_iso,
});

export function poolInfoJson(input: {
  chain: string;
  active: number | null;
  pace: NetworkPace;
  difficulty: number;
  reward: string;
  intervalMs: number;
}) {
  const { pace } = input;
  const network = formatHashrate(pace.network_hashrate_hs);
  return {
    pool_name: "RoadChain",
    chain: input.chain,
    active_miners: input.active,
    connected_miners: input.active,
    network_hashrate_hs: pace.network_hashrate_hs,
    network_hashrate: network,
    pool_hashrate: network,
    difficulty: input.difficulty,
    mining_reward: input.reward,
    height: pace.height,
    window_blocks: pace.window_blocks,
    average_block_time_seconds: pace.average_block_time_seconds,
    blocks_last_hour: pace.blocks_last_hour,
    miners_last_hour: pace.miners_last_hour,
    last_block_found: iso(pace.last_block_time),
    round_interval_seconds: input.intervalMs / 1000,
  };
}

export type MinerStatusView = ReturnType<typeof minerStatusJson>;
export type MinerStatsView = ReturnType<typeof minerStatsJson>;
export type MinedBlockView = ReturnType<typeof minedBlockJson>;
