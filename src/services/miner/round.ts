// One mining round of a user's miner: mine ONE block through RoadChain's normal path
// (services/chain/mining.ts `mineBlock`, the function POST /api/blockchain/blocks uses, which
// proposes to the RoadChain Durable Object's check-and-set append) and measure the work.
//
// What is measured, and how exactly:
// * hashes: mineBlock's proof of work searches nonces upward from 0, so a proposal with nonce n
//   cost exactly n + 1 header hashes. A search that gave up cost DEFAULT_MAX_ITERATIONS hashes.
// * shares: every proposal handed to the ledger is a submitted share; "appended" is accepted,
//   "stale" (another block landed first, so it was not built on the head) is rejected.
// * time: the round's wall time. Workers only advance the clock at I/O, so the proof of work
//   cannot be timed alone; the round includes its database and Durable Object round trips, which
//   makes the hashrate an effective (end-to-end) rate, a lower bound of the raw hashing speed.
import { toDatabaseUnavailable } from "../../lib/db.ts";
import { ApiError } from "../../lib/errors.ts";
import type { TransactionRow } from "../chain/ledger.ts";
import { type AppendOutcome, type ChainWriter, mineBlock } from "../chain/mining.ts";
import { DEFAULT_MAX_ITERATIONS } from "../chain/proof-of-work.ts";

/** A round stopped after too many stale proposals (the chain is busy); the next round tries again. */
export class RoundBudgetExceeded extends Error {
  override name = "RoundBudgetExceeded";
}

export type RoundDeps = {
  /** The chain's RoadChain Durable Object (chain-writer.ts durableObjectLedger, as the routes use). */
  writer: ChainWriter;
  /** The chain's oldest pending transactions (ledger.ts pendingTransactions). */
  pending: (limit: number) => Promise<Pick<TransactionRow, "id" | "transactionHash">[]>;
  difficulty: number;
  reward: string;
  maxProposals: number;
  clock?: () => number;
};

export type RoundInput = { minerId: number; minerAddress: string; maxTransactions: number };

export type MinedBlock = { height: number; hash: string; reward: string; timestamp: number; transaction_count: number };

export type RoundResult = {
  startedAt: number;
  durationMs: number;
  hashes: number;
  submitted: number;
  accepted: number;
  rejected: number;
  block: MinedBlock | null;
  /** Why the round mined nothing (short, safe to show to the miner's owner). */
  error: string | null;
};

export async function mineRound(deps: RoundDeps, input: RoundInput): Promise<RoundResult> {
  const clock = deps.clock ?? Date.now;
  const startedAt = clock();
  let hashes = 0;
  let submitted = 0;
  let accepted = 0;
  let rejected = 0;

  // The chain's own writer, with its append observed (every other call passes through untouched).
  const counting: ChainWriter = {
    ...deps.writer,
    async append(...args: Parameters<ChainWriter["append"]>): Promise<AppendOutcome> {
      const [proposal] = args;
      submitted++;
      hashes += proposal.header.nonce + 1;
      const outcome = await deps.writer.append(...args);
      if (outcome.status === "appended") accepted++;
      if (outcome.status === "stale") {
        rejected++;
        if (rejected >= deps.maxProposals) throw new RoundBudgetExceeded(`${rejected} proposals in a row were stale`);
      }
      return outcome;
    },
  };

  let block: MinedBlock | null = null;
  let error: string | null = null;
  try {
    const mined = await mineBlock(
      { writer: counting, pending: deps.pending },
      { minerId: input.minerId, minerAddress: input.minerAddress, maxTransactions: input.maxTransactions },
    );
    const b = mined.block;
    block = {
      height: b.height,
      hash: b.hash,
      reward: b.reward,
      timestamp: b.timestamp,
      transaction_count: b.transaction_count,
    };
  } catch (err) {
    if (err instanceof ApiError && err.code === "mining-limit") hashes += DEFAULT_MAX_ITERATIONS;
    error = describeFailure(err);
  }
  return {
    startedAt,
    durationMs: Math.max(0, clock() - startedAt),
    hashes,
    submitted,
    accepted,
    rejected,
    block,
    error,
  };
}

/**
 * A short reason for the miner's status, shown to its owner: our own messages as they are, anything
 * else by kind only (never SQL, a connection string or a stack; those go to the log).
 */
export function describeFailure(err: unknown): string {
  if (err instanceof RoundBudgetExceeded) return `The chain is busy (${err.message}); retrying next round`;
  if (err instanceof ApiError) return err.detail;
  if (toDatabaseUnavailable(err)) return "The database is unavailable; retrying";
  const e = err as { retryable?: unknown; overloaded?: unknown; name?: unknown };
  if (typeof e?.retryable === "boolean" || typeof e?.overloaded === "boolean")
    return "The ledger could not be reached; retrying";
  console.error(
    JSON.stringify({
      level: "error",
      msg: "miner round failed unexpectedly",
      error: err instanceof Error ? err.name : "unknown",
      message:
        err instanceof Error ? err.message.replace(/\w+:\/\/\S+/g, "<url>").slice(0, 300) : String(err).slice(0, 300),
    }),
  );
  return `Unexpected error (${typeof e?.name === "string" ? e.name : "unknown"}); see the server log`;
}
