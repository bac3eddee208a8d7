import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../config.ts";
import type { ChainHead } from "../services/chain/ledger.ts";
import type { BlockView } from "../services/chain/views.ts";
import { type BlockFeedRpc, FEED_CLOSE, FEED_REFUSED_HEADER, type FeedMessage } from "./block-feed.contract.ts";
import {
  admit,
  type FeedLimits,
  feedLimits,
  isIdle,
  messageBytes,
  newSocketState,
  type SocketState,
  sweepEveryMs,
} from "./feed-guard.ts";
import { roadChainStub } from "./roadchain.contract.ts";

/**
 * One shard of a chain's live block feed (GET /api/blockchain/ws): holds the sockets and sends each
 * block the RoadChain writer publishes after its commit. The writer holds no socket, so no amount
 * of client traffic here can delay an append (issue 14).
 *
 * Every socket of one address lands on the same shard (block-feed.contract.ts, feedShardOf), which
 * therefore enforces the per-address cap alone. Each client message is judged by feed-guard.ts
 * (size → 1009, rate → 1008); an alarm closes sockets that sent nothing for the idle time.
 *
 * Why `accept()` and not the hibernation API (`ctx.acceptWebSocket`): under hibernation the runtime
 * turns every incoming message into a separate event for the object, also the ones still in flight
 * after we close a flooding socket, and keeps reading until the client answers the close. Measured
 * on `wrangler dev` (docs/security.md): 3,000 small messages took ~5.9 s and left workerd ~140 MiB
 * larger; with `accept()` they took ~0.8 s with flat memory. A flood must cost next to nothing per
 * message, so the sockets are accepted here and handled by in-memory listeners. The price: a shard
 * with open sockets stays in memory (BLOCKCHAIN_WS_SHARDS objects per chain, not one per user).
 */
export class BlockFeedDO extends DurableObject<Env> implements BlockFeedRpc {
  #sockets = new Map<WebSocket, SocketState & { listener: (e: MessageEvent) => void }>();
  #perAddress = new Map<string, number>();
  #headLookup: Promise<ChainHead | null> | undefined;

  async connections(): Promise<number> {
    return this.#sockets.size;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const url = new URL(request.url);
    const chain = url.searchParams.get("chain") ?? "main";
    const address = url.searchParams.get("address") ?? "unknown";
    const limits = this.#limits();
    // Counted and taken with no await in between: concurrent upgrades cannot both take the last place.
    if ((this.#perAddress.get(address) ?? 0) >= limits.maxConnectionsPerAddress) {
      return new Response("Too many live connections from this address", {
        status: 429,
        headers: { [FEED_REFUSED_HEADER]: "connection-cap" },
      });
    }
    const pair = new WebSocketPair();
    const server = pair[1];
    server.binaryType = "arraybuffer"; // sized without reading a Blob (the standard default is "blob")
    server.accept();
    const listener = (e: MessageEvent) => this.#onMessage(server, e.data);
    this.#sockets.set(server, { ...newSocketState(address, limits, Date.now()), listener });
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    server.addEventListener("message", listener);
    server.addEventListener("close", (e) =>
      this.#drop(server, { code: e.code === 1005 || e.code === 1006 ? 1000 : e.code, reason: e.reason }),
    );
    server.addEventListener("error", () => this.#drop(server, { code: 1011, reason: "error" }));
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + sweepEveryMs(limits));
    send(server, { type: "hello", chain, head: await this.#head(chain) });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async publish(chain: string, block: BlockView, head: ChainHead): Promise<number> {
    const known = this.ctx.storage.kv.get<ChainHead>("head");
    if (!known || head.height > known.height) this.ctx.storage.kv.put("head", head);
    const message = JSON.stringify({ type: "block", block } satisfies FeedMessage);
    let sent = 0;
    for (const [ws, state] of this.#sockets) {
      if (state.closed) continue;
      try {
        ws.send(message);
        sent++;
      } catch {
        // closing; its close event removes it
      }
    }
    return sent;
  }

  /** Closes every socket that has been idle at `now`; returns how many. The alarm runs it. */
  closeIdle(now: number): number {
    const limits = this.#limits();
    let closed = 0;
    for (const [ws, state] of this.#sockets) {
      if (!state.closed && isIdle(state, limits, now)) {
        this.#close(ws, state, FEED_CLOSE.idle);
        closed++;
      }
    }
    return closed;
  }

  override async alarm(): Promise<void> {
    this.closeIdle(Date.now());
    if (this.#sockets.size) await this.ctx.storage.setAlarm(Date.now() + sweepEveryMs(this.#limits()));
  }

  #onMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const state = this.#sockets.get(ws);
    if (!state || state.closed) return;
    const limits = this.#limits();
    const judged = admit(state, messageBytes(message, limits.maxFrameBytes), limits, Date.now());
    Object.assign(state, judged.state);
    if (judged.verdict === "too-big") return this.#close(ws, state, FEED_CLOSE.tooBig);
    if (judged.verdict === "flood") return this.#close(ws, state, FEED_CLOSE.flood);
    // The only requests a client needs: a keep-alive and the current head. Anything else is ignored.
    if (message === "ping") ws.send("pong");
    else if (message === "head") send(ws, { type: "head", head: this.ctx.storage.kv.get<ChainHead>("head") ?? null });
  }

  #close(
    ws: WebSocket,
    state: SocketState & { listener: (e: MessageEvent) => void },
    how: { code: number; reason: string },
  ): void {
    state.closed = true;
    // Messages still in flight (a flood pipelines thousands before it reads our close) reach no code of ours.
    ws.removeEventListener("message", state.listener);
    try {
      ws.close(how.code, how.reason);
    } catch {
      // already closed
    }
    // Its place under the per-address cap is given back when the close completes (#drop).
  }

  /** The client closed (or the close we started completed): forget the socket. */
  #drop(ws: WebSocket, how: { code: number; reason: string }): void {
    const state = this.#sockets.get(ws);
    if (!state) return;
    this.#sockets.delete(ws);
    const left = (this.#perAddress.get(state.address) ?? 1) - 1;
    if (left > 0) this.#perAddress.set(state.address, left);
    else this.#perAddress.delete(state.address);
    if (!state.closed) {
      try {
        ws.close(how.code, how.reason);
      } catch {
        // already closed
      }
    }
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
}

function send(ws: WebSocket, message: FeedMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // closing
  }
}
