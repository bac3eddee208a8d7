// The Miner Durable Object's RPC surface: one object per user, named by minerObjectName.
// Services and routes import this module, never the class (miner.ts implements MinerRpc).
import type { MinedBlock } from "../services/miner/round.ts";

/** Work totals; `coins_earned` is an exact 8-decimal amount. */
export type MinerCounters = {
  rounds: number;
  failed_rounds: number;
  hashes: number;
  mining_ms: number;
  shares_submitted: number;
  shares_accepted: number;
  shares_rejected: number;
  blocks: number;
  coins_earned: string;
};

export type MinerSnapshot = {
  status: "running" | "stopped";
  chain: string | null;
  worker_id: string | null;
  /** Epoch milliseconds throughout; the routes render ISO strings. */
  started_at: number | null;
  stopped_at: number | null;
  stop_reason: string | null;
  first_started_at: number | null;
  interval_ms: number;
  next_round_at: number | null;
  last_round_at: number | null;
  last_block: (MinedBlock & { mined_at: number }) | null;
  last_error: { message: string; at: number } | null;
  consecutive_failures: number;
  /** Since the current (or last) start. */
  session: MinerCounters;
  /** Since this miner was first started. */
  lifetime: MinerCounters;
  /** The last RECENT_ROUNDS rounds of the current run: what the current hashrate is measured over. */
  recent: { rounds: number; hashes: number; ms: number };
};

export type StartInput = { userId: number; chain: string; minerAddress: string; workerId: string | null };

export type ControlOutcome =
  | { result: "started" | "restarted" | "stopped"; snapshot: MinerSnapshot }
  | { result: "already-running" | "not-running"; snapshot: MinerSnapshot };

export interface MinerRpc {
  status(): Promise<MinerSnapshot>;
  start(input: StartInput): Promise<ControlOutcome>;
  /** Stop (if running) and start again: a fresh session, the wallet and chain re-read from `input`. */
  restart(input: StartInput): Promise<ControlOutcome>;
  stop(): Promise<ControlOutcome>;
}

export type MinerNamespace = DurableObjectNamespace<MinerRpc & Rpc.DurableObjectBranded>;
export type MinerStub = DurableObjectStub<MinerRpc & Rpc.DurableObjectBranded>;

/** The Durable Object name of a user's miner. */
export const minerObjectName = (userId: number) => `user:${userId}`;

/** The user's miner object. */
export const minerStub = (ns: MinerNamespace, userId: number): MinerStub => ns.getByName(minerObjectName(userId));
