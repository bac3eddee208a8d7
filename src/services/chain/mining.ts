// Mining a block: runs in the Worker request, not in the Durable Object.
//
// Proof of work is a synchronous CPU loop (~0.1–0.2 s at difficulty 4). Doing it inside the
// Durable Object would stall every other call to it (appends, /verify anchors, WebSocket
// connects) for that long per block. So the Worker takes a turn from the Durable Object
// (`reserve`: the head to build on, handed out to one miner at a time so that concurrent requests
// do not all mine the same height in vain), picks the pending transactions, mines on that head and
// asks the Durable Object to append with a check-and-set on previous_hash, which also ends the
// turn. If the head moved anyway (a turn that expired, a write that bypassed the queue), the
// Durable Object answers "stale" and the Worker takes a new turn and mines again, re-reading the
// pending transactions. The chain advances one block per successful check-and-set and can never
// fork; the turns only keep the CPU spent per block close to one mining run.
import type { AppendResult, MiningTicket } from "../../durable-objects/roadchain.contract.ts";
import { ApiError, serviceUnavailable } from "../../lib/errors.ts";
import type { IdempotencyClaim } from "../idempotency.ts";
import type { BlockProposal } from "./block-writer.ts";
import type { TransactionRow } from "./ledger.ts";
import { merkleRoot } from "./merkle.ts";
import { MiningLimitError, mineHeader } from "./proof-of-work.ts";
import type { BlockView } from "./views.ts";

/** Default and largest number of pending transactions one block includes. */
export const DEFAULT_BLOCK_TRANSACTIONS = 10;
export const MAX_BLOCK_TRANSACTIONS = 100;
/** Check-and-set rounds before giving up with 503 (each lost round costs one mining run). */
export const MAX_APPEND_ATTEMPTS = 64;

/** The Durable Object, as the miner sees it (chain-writer.ts). */
export interface ChainWriter {
  reserve(): Promise<MiningTicket>;
  append(proposal: BlockProposal, ticket?: string): Promise<AppendOutcome>;
  release(ticket: string): Promise<void>;
}

/** What the Durable Object answers to an append (see RoadChainDO.append). */
export type AppendOutcome = AppendResult;

export type MineDeps = {
  writer: ChainWriter;
  /** The oldest pending transactions of the chain, ascending id (ledger.ts pendingTransactions). */
  pending: (limit: number) => Promise<Pick<TransactionRow, "id" | "transactionHash">[]>;
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
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const turn = await deps.writer.reserve();
    if (turn.status === "busy") break;
    // Difficulty and reward come from the chain (the Durable Object's issuance rules), never the caller.
    const { head, ticket, rules } = turn;
    let proposal: BlockProposal;
    try {
      const pending = await deps.pending(input.maxTransactions);
      const mined = await mineHeader(
        {
          height: head.height + 1,
          timestamp: Math.max(now(), head.timestamp),
          previous_hash: head.hash,
          merkle_root: await merkleRoot(pending.map((t) => t.transactionHash)),
          miner_address: input.minerAddress,
          reward: rules.reward,
          transaction_count: pending.length,
        },
        rules.difficulty,
      );
      proposal = {
        header: mined.header,
        hash: mined.hash,
        minerId: input.minerId,
        transactions: pending.map((t) => ({ id: t.id, hash: t.transactionHash })),
        idempotency: input.idempotency,
      };
    } catch (err) {
      await deps.writer.release(ticket);
      if (err instanceof MiningLimitError)
        throw serviceUnavailable("No proof of work found within the limit; retry", "mining-limit");
      throw err;
    }
    const outcome = await deps.writer.append(proposal, ticket);
    switch (outcome.status) {
      case "appended":
        return { block: outcome.block, attempts: attempt };
      case "stale":
        continue;
      case "superseded":
        throw new ApiError(
          409,
          "idempotency-key-in-use",
          "This request's Idempotency-Key was taken over by another request",
        );
      case "unavailable":
        throw serviceUnavailable(
          `The ledger cannot append right now (${outcome.reason}); retry shortly`,
          "ledger-unavailable",
        );
      case "rejected":
        throw new Error(`RoadChain rejected a mined block: ${outcome.reason}`);
    }
  }
  throw serviceUnavailable("The chain is busy (too many concurrent appends); retry shortly", "ledger-busy");
}
