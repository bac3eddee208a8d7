import type { Context } from "hono";
import type { AppBindings } from "../types.ts";

export type SendEvent = (event: string, data: unknown) => Promise<void>;

/** The headers of every event stream we answer (no-transform: a proxy must not buffer or compress it). */
export const EVENT_STREAM_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
} as const;

const encoder = new TextEncoder();

/** One event: its name and its data as JSON (an empty data line when there is none). */
export const encodeEvent = (event: string, data?: unknown): Uint8Array =>
  encoder.encode(`event: ${event}\ndata: ${data === undefined ? "" : JSON.stringify(data)}\n\n`);

/** A comment line: ignored by clients, it keeps proxies from closing a quiet stream. */
export const encodeComment = (text: string): Uint8Array => encoder.encode(`: ${text}\n\n`);

/** True when the client asked for server-sent events (`Accept: text/event-stream`, alone or in a list). */
export function wantsEventStream(accept: string | undefined): boolean {
  return !!accept && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept);
}

/**
 * A `text/event-stream` response whose events `produce` writes with `send` (JSON data). The
 * producer runs under waitUntil and keeps going when the client goes away (its writes then do
 * nothing), so the work it drives finishes and is recorded even if nobody is reading any more.
 */
export function eventStreamResponse(c: Context<AppBindings>, produce: (send: SendEvent) => Promise<void>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let clientGone = false;
  const send: SendEvent = async (event, data) => {
    if (clientGone) return;
    try {
      await writer.write(encodeEvent(event, data));
    } catch {
      clientGone = true;
    }
  };
  c.executionCtx.waitUntil(produce(send).finally(() => writer.close().catch(() => {})));
  return new Response(readable, { status: 200, headers: EVENT_STREAM_HEADERS });
}
