// Mining a block: runs in the Worker request, not in the Durable Object.
//
// Proof of work is a synchronous CPU loop (~0.1–0.2 s at difficulty 4). Doing it inside the
// Durable Object would stall every other call to it (appends, /verify anchors, WebSocket
// connects) for that long per block. So the Worker reads the head from the Durable Object, picks
// the pending transactions, mines on top of that head, and asks the Durable Object to append
// with a check-and-set on previous_hash. If another block landed first, the Durable Object answers
// "stale" with the new head and the Worker mines again on it (pending transactions re-read, since
// the winner may have confirmed some). Under contention the losers repeat the work; the chain
// itself advances one block per successful check-and-set and can never fork.
import { ApiError, serviceUnavailable } from "../../lib/errors.ts";
import type { AppendResult } from "../../durable-objects/roadchain.ts";
import type { IdempotencyClaim } from "../idempotency.ts";
import { formatAmount, parseAmount } from "./amount.ts";
import type { BlockProposal, BlockView, ChainHead, TransactionRow } from "./ledger.ts";
import { merkleRoot } from "./merkle.ts";
import { MiningLimitError, mineHeader } from "./proof-of-work.ts";

/** Default and largest number of pending transactions one block includes. */
export const DEFAULT_BLOCK_TRANSACTIONS = 10;
export const MAX_BLOCK_TRANSACTIONS = 100;
/** Check-and-set rounds before giving up with 503 (each lost round costs one mining run). */
export const MAX_APPEND_ATTEMPTS = 64;

/** The Durable Object, as the miner sees it. */
export interface ChainWriter {
  head(): Promise<ChainHead>;
  append(proposal: BlockProposal): Promise<AppendOutcome>;
}

/** What the Durable Object answers to an append (see RoadChainDO.append). */
export type AppendOutcome = AppendResult;

export type MineDeps = {
  writer: ChainWriter;
  /** The oldest pending transactions of the chain, ascending id (ledger.ts pendingTransactions). */
  pending: (limit: number) => Promise<Pick<TransactionRow, "id" | "transactionHash">[]>;
  difficulty: number;
  /** MINING_REWARD as configured ("50" → "50.00000000"). */
  reward: string;
  now?: () => number;
};

export type MineInput = {
  minerId: number;
  minerAddress: string;
  maxTransactions: number;
  idempotency?: IdempotencyClaim;
};

export type MineResult = { block: BlockView; attempts: number };

export async function mineBlock(deps: MineDeps, input: MineInput): Promise<MineResult> {
  const now = deps.now ?? Date.now;
  const reward = formatAmount(parseAmount(deps.reward));
  let head = await deps.writer.head();
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const pending = await deps.pending(input.maxTransactions);
    const hashes = pending.map((t) => t.transactionHash);
    let mined;
    try {
      mined = await mineHeader(
        {
          height: head.height + 1,
          timestamp: Math.max(now(), head.timestamp),
          previous_hash: head.hash,
          merkle_root: await merkleRoot(hashes),
          miner_address: input.minerAddress,
          reward,
          transaction_count: pending.length,
        },
        deps.difficulty,
      );
    } catch (err) {
      if (err instanceof MiningLimitError) throw serviceUnavailable("No proof of work found within the limit; retry", "mining-limit");
      throw err;
    }
    const outcome = await deps.writer.append({
      header: mined.header,
      hash: mined.hash,
      minerId: input.minerId,
      transactions: pending.map((t) => ({ id: t.id, hash: t.transactionHash })),
      idempotency: input.idempotency,
    });
    switch (outcome.status) {
      case "appended":
        return { block: outcome.block, attempts: attempt };
      case "stale":
        head = outcome.head;
        continue;
      case "superseded":
        throw new ApiError(409, "idempotency-key-in-use", "This request's Idempotency-Key was taken over by another request");
      case "unavailable":
        throw serviceUnavailable(`The ledger cannot append right now (${outcome.reason}); retry shortly`, "ledger-unavailable");
      case "rejected":
        throw new Error(`RoadChain rejected a mined block: ${outcome.reason}`);
    }
  }
  throw serviceUnavailable("The chain is busy (too many concurrent appends); retry shortly", "ledger-busy");
}
