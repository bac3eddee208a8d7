import type { Context } from "hono";
import type { AppBindings } from "../types.ts";

export type SendEvent = (event: string, data: unknown) => Promise<void>;

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
  const encoder = new TextEncoder();
  let clientGone = false;
  const send: SendEvent = async (event, data) => {
    if (clientGone) return;
    try {
      await writer.write(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      clientGone = true;
    }
  };
  c.executionCtx.waitUntil(produce(send).finally(() => writer.close().catch(() => {})));
  return new Response(readable, {
    status: 200,
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform" },
  });
}
