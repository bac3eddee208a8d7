// The Worker's handle on a chain's RoadChain Durable Object, with its failure policy.
import type { ChainVerifierStub } from "../../durable-objects/chain-verifier.contract.ts";
import type {
  AppendResult,
  ChainAnchor,
  MiningTemplate,
  MiningTicket,
  RoadChainStub,
} from "../../durable-objects/roadchain.contract.ts";
import { type ApiError, serviceUnavailable } from "../../lib/errors.ts";
import type { BlockProposal } from "./block-writer.ts";
import type { ChainHead } from "./ledger.ts";
import type { CheckpointStore } from "./verify-incremental.ts";

export type ChainLedger = {
  head(): Promise<ChainHead>;
  reserve(): Promise<MiningTicket>;
  template(): Promise<MiningTemplate>;
  append(proposal: BlockProposal, ticket?: string): Promise<AppendResult>;
  release(ticket: string): Promise<void>;
  anchor(): Promise<ChainAnchor>;
};

/** Seconds an overloaded object asks clients to wait (a transient failure asks for 5). */
export const OVERLOADED_RETRY_AFTER = "30";

/**
 * A Durable Object call that failed before answering. The runtime marks transient failures
 * `retryable` and overload `overloaded`; either way nothing was acknowledged, so the client gets a
 * 503 and may retry (with the same Idempotency-Key for POSTs). Nothing is retried here: a call that
 * reached the object may have appended, and only the key makes a repeat safe. An overloaded object
 * must not be retried at once, hence the longer Retry-After.
 */
export function ledgerUnavailable(err: unknown): ApiError {
  const e = (err ?? {}) as { retryable?: unknown; overloaded?: unknown; message?: unknown };
  const overloaded = e.overloaded === true;
  console.error(
    JSON.stringify({
      level: "error",
      msg: "RoadChain Durable Object call failed",
      retryable: e.retryable === true,
      overloaded,
      error: String(e.message ?? err).slice(0, 200),
    }),
  );
  const error = serviceUnavailable(
    overloaded ? "The ledger is overloaded; back off and retry later" : "The ledger is unavailable; retry shortly",
    "ledger-unavailable",
  );
  if (overloaded) error.extra.headers = { "Retry-After": OVERLOADED_RETRY_AFTER };
  return error;
}

export async function callLedger<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw ledgerUnavailable(err);
  }
}

export function durableObjectLedger(stub: RoadChainStub, chain: string): ChainLedger {
  return {
    head: () => callLedger(() => stub.head(chain) as Promise<ChainHead>),
    reserve: () => callLedger(() => stub.reserve(chain) as Promise<MiningTicket>),
    template: () => callLedger(() => stub.template(chain) as Promise<MiningTemplate>),
    append: (p, ticket) => callLedger(() => stub.append(chain, p, ticket) as Promise<AppendResult>),
    // Best effort: an unreleased turn ends by itself after MINING_LEASE_MS.
    release: (ticket) => stub.release(ticket).catch(() => undefined),
    anchor: () => callLedger(() => stub.anchor(chain) as Promise<ChainAnchor>),
  };
}

/** The chain's verified checkpoints, kept by its verifier Durable Object (same failure policy: 503). */
export function checkpointStore(stub: ChainVerifierStub, chain: string): CheckpointStore {
  return {
    latest: () => callLedger(() => stub.latest(chain)),
    extend: (base, point) => callLedger(() => stub.extend(chain, base, point)),
    dropFrom: (height) => callLedger(() => stub.dropFrom(chain, height)),
  };
}
