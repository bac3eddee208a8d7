import { DurableObject } from "cloudflare:workers";
import { type Bucket, takeToken } from "./feed-guard.ts";
import {
  type Json,
  LEITL_MAX_EVENTS,
  LEITL_MAX_FRAME_BYTES,
  LEITL_MAX_MESSAGES,
  LEITL_MAX_MESSAGES_PER_MINUTE,
  LEITL_MAX_SESSIONS,
  LEITL_SESSION_TTL_MS,
  type LeitlContext,
  type LeitlEvent,
  type LeitlMessage,
  type LeitlPush,
  type LeitlRpc,
  type LeitlSession,
} from "./leitl.contract.ts";

/**
 * The LEITL bus of one workspace (one user's): agent sessions register and heartbeat, broadcast to
 * each other over WebSockets, and share a versioned context document.
 *
 * Sockets use the hibernation API (`ctx.acceptWebSocket`, the session id as the socket's tag), so
 * an idle workspace costs nothing while its sockets stay open. Unlike the public block feed
 * (block-feed.ts, which avoids hibernation because anyone may flood it), every socket here is an
 * authenticated user's own; each message is size-checked and counted (a per-socket bucket) before it
 * is parsed.
 * State lives in the object's storage (kv): sessions, the last LEITL_MAX_MESSAGES messages, the last
 * LEITL_MAX_EVENTS activity events, the context. An alarm drops sessions whose heartbeat is older
 * than LEITL_SESSION_TTL_MS, closing their sockets.
 */
export class LeitlDO extends DurableObject<Env> implements LeitlRpc {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const sessionId = new URL(request.url).searchParams.get("session") ?? "";
    const session = this.#sessions()[sessionId];
    if (!session) return new Response("Unknown session", { status: 404 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [sessionId]);
    pair[1].serializeAttachment({ tokens: LEITL_MAX_MESSAGES_PER_MINUTE, tokensAt: Date.now() } satisfies Bucket);
    push(pair[1], { type: "hello", session, presence: this.#presence() });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const bytes = typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    if (bytes > LEITL_MAX_FRAME_BYTES) return ws.close(1009, "message too big");
    // The bucket rides on the socket's attachment, so it survives hibernation with the socket.
    // Messages already in flight when it was closed still arrive: they are dropped.
    const socket = ws.deserializeAttachment() as Bucket & { closed?: true };
    if (socket.closed) return;
    const bucket = takeToken(socket, LEITL_MAX_MESSAGES_PER_MINUTE, Date.now());
    ws.serializeAttachment(bucket ?? { ...socket, closed: true });
    if (!bucket) return ws.close(1008, "too many messages");
    const [sessionId] = this.ctx.getTags(ws);
    if (!sessionId || !this.#sessions()[sessionId]) return ws.close(1008, "session ended");
    if (message === "ping") {
      this.#touch(sessionId);
      return ws.send("pong");
    }
    if (typeof message !== "string") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return ws.send(JSON.stringify({ type: "error", detail: "messages are JSON or ping" }));
    }
    const m = parsed as { type?: unknown; data?: Json };
    if (m?.type === "broadcast") await this.broadcast(sessionId, m.data ?? null);
    else if (m?.type === "heartbeat") await this.heartbeat(sessionId);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  async register(agent: string, meta: Record<string, string>): Promise<LeitlSession | "full"> {
    const sessions = this.#sessions();
    if (Object.keys(sessions).length >= LEITL_MAX_SESSIONS) return "full";
    const now = Date.now();
    const session: LeitlSession = {
      id: crypto.randomUUID(),
      agent,
      meta,
      registered_at: iso(now),
      last_seen: iso(now),
      expires_at: iso(now + LEITL_SESSION_TTL_MS),
    };
    sessions[session.id] = session;
    this.ctx.storage.kv.put("sessions", sessions);
    this.#record("session.registered", session);
    this.#pushAll({ type: "presence", event: "joined", session, presence: this.#presence() });
    await this.#ensureAlarm();
    return session;
  }

  async heartbeat(sessionId: string): Promise<LeitlSession | null> {
    const session = this.#touch(sessionId);
    if (session) this.#record("session.heartbeat", session);
    return session;
  }

  async end(sessionId: string): Promise<boolean> {
    const session = this.#sessions()[sessionId];
    if (!session) return false;
    this.#drop([session], "left");
    return true;
  }

  async broadcast(from: string | null, data: Json): Promise<LeitlMessage | null> {
    const session = from === null ? null : (this.#sessions()[from] ?? null);
    if (from !== null && !session) return null;
    const messages = this.ctx.storage.kv.get<LeitlMessage[]>("messages") ?? [];
    const id = (this.ctx.storage.kv.get<number>("message-seq") ?? 0) + 1;
    const message: LeitlMessage = { id, from, agent: session?.agent ?? null, data, at: iso(Date.now()) };
    this.ctx.storage.kv.put("message-seq", id);
    this.ctx.storage.kv.put("messages", [...messages, message].slice(-LEITL_MAX_MESSAGES));
    this.#record("message.broadcast", session);
    this.#pushAll({ type: "message", message });
    return message;
  }

  async presence(): Promise<LeitlSession[]> {
    return this.#presence();
  }

  async recent(limit: number): Promise<LeitlMessage[]> {
    return (this.ctx.storage.kv.get<LeitlMessage[]>("messages") ?? []).slice(-limit);
  }

  async activity(limit: number): Promise<LeitlEvent[]> {
    return (this.ctx.storage.kv.get<LeitlEvent[]>("events") ?? []).slice(-limit).reverse();
  }

  async context(): Promise<LeitlContext> {
    return this.ctx.storage.kv.get<LeitlContext>("context") ?? { version: 0, document: {}, updated_at: null };
  }

  async putContext(expectedVersion: number, document: Record<string, Json>) {
    const current = await this.context();
    // Read and written with no await in between: two writers of the same version cannot both win.
    if (current.version !== expectedVersion) return { ok: false as const, current };
    const context: LeitlContext = { version: current.version + 1, document, updated_at: iso(Date.now()) };
    this.ctx.storage.kv.put("context", context);
    this.#record("context.updated", null);
    this.#pushAll({ type: "context", context });
    return { ok: true as const, context };
  }

  /** Drops the sessions whose heartbeat expired; runs again while sessions remain. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const expired = Object.values(this.#sessions()).filter((s) => Date.parse(s.expires_at) <= now);
    if (expired.length) this.#drop(expired, "expired");
    await this.#ensureAlarm();
  }

  #sessions(): Record<string, LeitlSession> {
    return this.ctx.storage.kv.get<Record<string, LeitlSession>>("sessions") ?? {};
  }

  #presence(): LeitlSession[] {
    return Object.values(this.#sessions()).sort((a, b) => a.registered_at.localeCompare(b.registered_at));
  }

  #touch(sessionId: string): LeitlSession | null {
    const sessions = this.#sessions();
    const session = sessions[sessionId];
    if (!session) return null;
    const now = Date.now();
    session.last_seen = iso(now);
    session.expires_at = iso(now + LEITL_SESSION_TTL_MS);
    this.ctx.storage.kv.put("sessions", sessions);
    return session;
  }

  #drop(gone: LeitlSession[], why: "left" | "expired"): void {
    const sessions = this.#sessions();
    for (const s of gone) delete sessions[s.id];
    this.ctx.storage.kv.put("sessions", sessions);
    for (const s of gone) {
      this.#record(why === "left" ? "session.ended" : "session.expired", s);
      for (const ws of this.ctx.getWebSockets(s.id)) {
        try {
          ws.close(1000, why === "left" ? "session ended" : "session expired");
        } catch {
          // already closed
        }
      }
      this.#pushAll({ type: "presence", event: why, session: s, presence: this.#presence() });
    }
  }

  #record(type: string, session: LeitlSession | null): void {
    const events = this.ctx.storage.kv.get<LeitlEvent[]>("events") ?? [];
    events.push({ at: iso(Date.now()), type, session_id: session?.id ?? null, agent: session?.agent ?? null });
    this.ctx.storage.kv.put("events", events.slice(-LEITL_MAX_EVENTS));
  }

  #pushAll(message: LeitlPush): void {
    const text = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // closing
      }
    }
  }

  async #ensureAlarm(): Promise<void> {
    const sessions = Object.values(this.#sessions());
    if (!sessions.length) return;
    const next = Math.min(...sessions.map((s) => Date.parse(s.expires_at)));
    await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 1_000));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function push(ws: WebSocket, message: LeitlPush): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // closing
  }
}
