import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../config.ts";
import type { ChainHead } from "../services/chain/ledger.ts";
import type { BlockView } from "../services/chain/views.ts";
import { FEED_CLOSE, FEED_REFUSED_HEADER, type BlockFeedRpc, type FeedMessage } from "./block-feed.contract.ts";
import { admit, feedLimits, isIdle, messageBytes, newSocketState, sweepEveryMs, type FeedLimits, type SocketState } from "./feed-guard.ts";
import { roadChainStub } from "./roadchain.contract.ts";

/**
 * One shard of a chain's live block feed (GET /api/blockchain/ws): holds the sockets (hibernation
 * API) and sends each block the RoadChain writer publishes after its commit. The writer never holds
 * a socket, so no amount of client traffic here can delay an append (issue 14).
 *
 * Every socket of one address lands on the same shard (block-feed.contract.ts, feedShardOf), which
 * therefore enforces the per-address cap alone, with its sockets tagged by address. Each client
 * message is judged by feed-guard.ts (size → 1009, rate → 1008); an alarm closes sockets that sent
 * nothing for the idle time. There is no runtime auto-response for "ping": every client message,
 * pings included, counts against the rate (a ping flood is a flood).
 *
 * The head for "hello" is the last one published here (kept in storage); a shard that has never
 * seen a block asks the writer once.
 */
export class BlockFeedDO extends DurableObject<Env> implements BlockFeedRpc {
  #headLookup: Promise<ChainHead | null> | undefined;

  async connections(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const url = new URL(request.url);
    const chain = url.searchParams.get("chain") ?? "main";
    const address = url.searchParams.get("address") ?? "unknown";
    const limits = this.#limits();
    const tag = `address:${address}`;
    // Checked and accepted with no await in between: concurrent upgrades cannot both take the last place.
    if (this.ctx.getWebSockets(tag).length >= limits.maxConnectionsPerAddress) {
      return new Response("Too many live connections from this address", { status: 429, headers: { [FEED_REFUSED_HEADER]: "connection-cap" } });
    }
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server, [tag]);
    server.serializeAttachment(newSocketState(address, limits, Date.now()));
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + sweepEveryMs(limits));
    this.#send(server, { type: "hello", chain, head: await this.#head(chain) });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async publish(chain: string, block: BlockView, head: ChainHead): Promise<number> {
    const known = this.ctx.storage.kv.get<ChainHead>("head");
    if (!known || head.height > known.height) this.ctx.storage.kv.put("head", head);
    this.ctx.storage.kv.put("chain", chain);
    const message = JSON.stringify({ type: "block", block } satisfies FeedMessage);
    let sent = 0;
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
        sent++;
      } catch {
        // a socket that is closing; the runtime removes it
      }
    }
    return sent;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = ws.deserializeAttachment() as SocketState | null;
    if (!state || state.closed) return; // already closed by us; messages still in flight are dropped
    const limits = this.#limits();
    const judged = admit(state, messageBytes(message, limits.maxFrameBytes), limits, Date.now());
    ws.serializeAttachment(judged.state);
    if (judged.verdict === "too-big") return close(ws, FEED_CLOSE.tooBig);
    if (judged.verdict === "flood") return close(ws, FEED_CLOSE.flood);
    // The only requests a client needs: a keep-alive and the current head. Anything else is ignored.
    if (message === "ping") ws.send("pong");
    else if (message === "head") this.#send(ws, { type: "head", head: this.ctx.storage.kv.get<ChainHead>("head") ?? null });
  }

  /** Closes sockets idle for the idle time; runs while any socket is open. */
  override async alarm(): Promise<void> {
    const limits = this.#limits();
    const now = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const state = ws.deserializeAttachment() as SocketState | null;
      if (state && !state.closed && isIdle(state, limits, now)) {
        ws.serializeAttachment({ ...state, closed: true });
        close(ws, FEED_CLOSE.idle);
      }
    }
    const open = this.ctx.getWebSockets().filter((ws) => !(ws.deserializeAttachment() as SocketState | null)?.closed);
    if (open.length) await this.ctx.storage.setAlarm(Date.now() + sweepEveryMs(limits));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    close(ws, { code: code === 1005 || code === 1006 ? 1000 : code, reason });
  }

  override async webSocketError(): Promise<void> {
    // The runtime drops the socket; all per-socket state is in its attachment.
  }

  #limits(): FeedLimits {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) throw new Error(`configuration: ${loaded.problems.join("; ")}`);
    return feedLimits(loaded.config);
  }

  /** The last published head, or (first use of this shard) the writer's, asked once at a time. */
  async #head(chain: string): Promise<ChainHead | null> {
    const known = this.ctx.storage.kv.get<ChainHead>("head");
    if (known) return known;
    this.#headLookup ??= roadChainStub(this.env.ROADCHAIN, chain)
      .head(chain)
      .then((head) => {
        const now = this.ctx.storage.kv.get<ChainHead>("head");
        if (!now || head.height > now.height) this.ctx.storage.kv.put("head", head);
        return this.ctx.storage.kv.get<ChainHead>("head") ?? null;
      })
      .catch(() => null) // the feed works without it; the client lists blocks itself
      .finally(() => (this.#headLookup = undefined));
    return this.#headLookup;
  }

  #send(ws: WebSocket, message: FeedMessage): void {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      // closing
    }
  }
}

function close(ws: WebSocket, how: { code: number; reason: string }): void {
  try {
    ws.close(how.code, how.reason);
  } catch {
    // already closed (the runtime may answer the close handshake itself)
  }
}
