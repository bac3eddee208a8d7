// The RoadChain Durable Object's RPC surface: what the Worker may call on it and what it answers.
// Services and routes import this module, never the class (roadchain.ts implements RoadChainRpc),
// so the object's internals can change without touching its callers.

import type { BlockProposal } from "../services/chain/block-writer.ts";
import type { NextBlockRules } from "../services/chain/issuance.ts";
import type { ChainHead } from "../services/chain/ledger.ts";
import type { BlockView } from "../services/chain/views.ts";

export type AppendResult =
  | { status: "appended"; block: BlockView; head: ChainHead }
  /** The proposal was not built on the current head (or its transactions moved): mine again on `head`. */
  | { status: "stale"; head: ChainHead }
  /** The proposal is not a valid next block; a bug in the caller. */
  | { status: "rejected"; reason: string }
  /** The request's Idempotency-Key claim was lost (released or taken over); nothing was written. */
  | { status: "superseded" }
  /** The database could not be reached, or the ledger needs an operator; nothing new is acknowledged. */
  | { status: "unavailable"; reason: string };

export type ChainAnchor = { head: ChainHead; tail: { height: number; hash: string } | null };

/** What the next block builds on: the head, and the difficulty and reward it must carry (issuance.ts). */
export type MiningTemplate = { head: ChainHead; rules: NextBlockRules };

/** The right to mine the next block: the head to build on, its rules, and the ticket to hand back with it. */
export type MiningTicket = ({ status: "granted"; ticket: string } & MiningTemplate) | { status: "busy" };

/** A miner's turn ends after this even if it never appends (it crashed); then the next miner goes. */
export const MINING_LEASE_MS = 5_000;
/** A miner waiting longer than this for its turn is told "busy" (the Worker answers 503). */
export const MINING_WAIT_MS = 20_000;

/** One object per chain (production: only "main"); every method is serialised inside it. */
export interface RoadChainRpc {
  ping(): Promise<"pong">;
  /** The current head (creating the genesis block for a new chain). */
  head(chain: string): Promise<ChainHead>;
  /** Waits for the caller's turn to mine; "busy" after MINING_WAIT_MS in the queue. */
  reserve(chain: string): Promise<MiningTicket>;
  /** The head and the next block's rules, without taking a turn (the mining template). */
  template(chain: string): Promise<MiningTemplate>;
  /** Gives a turn back without appending. Unknown or expired tickets are ignored. */
  release(ticket: string): Promise<void>;
  /** Head and the database's newest block, read with no append in flight (for /verify). */
  anchor(chain: string): Promise<ChainAnchor>;
  /** Appends a mined block if it extends the current head (check-and-set); ends the turn of `ticket`. */
  append(chain: string, proposal: BlockProposal, ticket?: string): Promise<AppendResult>;
}

export type RoadChainNamespace = DurableObjectNamespace<RoadChainRpc & Rpc.DurableObjectBranded>;
export type RoadChainStub = DurableObjectStub<RoadChainRpc & Rpc.DurableObjectBranded>;

/** The object that serves `chain`. */
export const roadChainStub = (ns: RoadChainNamespace, chain: string): RoadChainStub => ns.getByName(chain);
