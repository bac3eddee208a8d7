import { DurableObject } from "cloudflare:workers";

/**
 * The single writer of the RoadChain ledger (one instance, named "main").
 * The ledger issue fills in appends, the head and WebSocket broadcast.
 */
export class RoadChainDO extends DurableObject<Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
