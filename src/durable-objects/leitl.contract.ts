// The LEITL bus's Durable Object (leitl.ts): one per workspace. Callers import this module, never the class.

/** A JSON value (what messages and the context document carry). */
export type Json = string | number | boolean | null | object;

export type LeitlSession = {
  id: string;
  agent: string;
  meta: Record<string, string>;
  registered_at: string;
  last_seen: string;
  expires_at: string;
};
export type LeitlMessage = { id: number; from: string | null; agent: string | null; data: Json; at: string };
export type LeitlEvent = { at: string; type: string; session_id: string | null; agent: string | null };
export type LeitlContext = { version: number; document: Record<string, Json>; updated_at: string | null };

/** What the bus sends to its sockets. */
export type LeitlPush =
  | { type: "hello"; session: LeitlSession; presence: LeitlSession[] }
  | { type: "message"; message: LeitlMessage }
  | { type: "presence"; event: "joined" | "left" | "expired"; session: LeitlSession; presence: LeitlSession[] }
  | { type: "context"; context: LeitlContext };

/** A session that sends no heartbeat for this long is dropped by the alarm. */
export const LEITL_SESSION_TTL_MS = 60_000;
/** Bounded history: the newest messages and activity events kept per workspace. */
export const LEITL_MAX_MESSAGES = 100;
export const LEITL_MAX_EVENTS = 200;
/** Largest client message over the socket; larger closes it with 1009. */
export const LEITL_MAX_FRAME_BYTES = 8_192;
export const LEITL_MAX_SESSIONS = 50;
/** Client messages (pings included) per socket per minute, as a bucket; more close it with 1008. */
export const LEITL_MAX_MESSAGES_PER_MINUTE = 120;

export interface LeitlRpc {
  /** WebSocket upgrade, `?session=<id>` of a registered session of this workspace: 101, or 404. */
  fetch(request: Request): Promise<Response>;
  register(agent: string, meta: Record<string, string>): Promise<LeitlSession | "full">;
  heartbeat(sessionId: string): Promise<LeitlSession | null>;
  end(sessionId: string): Promise<boolean>;
  /** Sends to every socket of the workspace; `from` must be a live session (or null: the user). */
  broadcast(from: string | null, data: Json): Promise<LeitlMessage | null>;
  presence(): Promise<LeitlSession[]>;
  recent(limit: number): Promise<LeitlMessage[]>;
  activity(limit: number): Promise<LeitlEvent[]>;
  context(): Promise<LeitlContext>;
  /** Writes the document if `expectedVersion` is the current version; otherwise the current one, unchanged. */
  putContext(
    expectedVersion: number,
    document: Record<string, Json>,
  ): Promise<{ ok: true; context: LeitlContext } | { ok: false; current: LeitlContext }>;
}

export type LeitlNamespace = DurableObjectNamespace<LeitlRpc & Rpc.DurableObjectBranded>;

/** A user's workspace: theirs alone, named after their id (never after anything the client sends). */
export const leitlStub = (ns: LeitlNamespace, userId: number) => ns.getByName(`user:${userId}`);
