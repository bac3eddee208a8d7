// The live block feed's Durable Object (block-feed.ts): what the Worker and the RoadChain writer may
// call on it. Callers import this module, never the class.
import type { ChainHead } from "../services/chain/ledger.ts";
import type { BlockView } from "../services/chain/views.ts";

/** Messages the feed sends to its clients. */
export type FeedMessage =
  | { type: "hello"; chain: string; head: ChainHead | null }
  | { type: "head"; head: ChainHead | null }
  | { type: "block"; block: BlockView };

/**
 * Close codes the feed uses (RFC 6455 §7.4.1): 1009 for a message over the size limit, 1008 (policy
 * violation) for more messages than the rate allows, 1000 with reason "idle timeout" for a client
 * that sent nothing (not even "ping") for the idle time.
 */
export const FEED_CLOSE = {
  tooBig: { code: 1009, reason: "message too big" },
  flood: { code: 1008, reason: "too many messages" },
  idle: { code: 1000, reason: "idle timeout" },
} as const;

/** Why the feed refused a connection (the Worker turns it into a problem response). */
export const FEED_REFUSED_HEADER = "X-Feed-Refused";

export interface BlockFeedRpc {
  /**
   * A WebSocket upgrade from the Worker, `?chain=&address=` (the caller's address identity, or
   * "unknown"). 101, or 429 with X-Feed-Refused: connection-cap when the address holds its cap.
   */
  fetch(request: Request): Promise<Response>;
  /** Called by the RoadChain writer after each committed block: sends it to every socket of this shard. */
  publish(chain: string, block: BlockView, head: ChainHead): Promise<number>;
  /** Open sockets on this shard (operators and tests). */
  connections(): Promise<number>;
}

export type BlockFeedNamespace = DurableObjectNamespace<BlockFeedRpc & Rpc.DurableObjectBranded>;
export type BlockFeedStub = DurableObjectStub<BlockFeedRpc & Rpc.DurableObjectBranded>;

/** The object name of one shard of a chain's feed. */
export const feedShardName = (chain: string, shard: number) => `${chain}#${shard}`;

/**
 * The shard that serves an address: every socket of one address lands on the same shard, so that
 * shard alone counts them (the per-address cap needs no shared state). FNV-1a, stable across deploys.
 */
export function feedShardOf(address: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    h ^= address.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

export const blockFeedStub = (ns: BlockFeedNamespace, chain: string, shard: number): BlockFeedStub =>
  ns.getByName(feedShardName(chain, shard));
