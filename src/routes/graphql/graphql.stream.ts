/**
 * GraphQL over server-sent events, the "distinct connections" mode of the GraphQL-over-SSE protocol
 * (graphql-sse): each result is an `event: next` whose data is the result's JSON, and the stream ends
 * with `event: complete`. A comment line every KEEP_ALIVE_MS keeps proxies from closing a quiet stream.
 * When the client goes away the stream is cancelled, which returns the iterator and so closes the
 * Durable Object socket behind it (lib/socket-iterator.ts).
 */
import { EVENT_STREAM_HEADERS, encodeComment, encodeEvent } from "../event-stream.ts";

const KEEP_ALIVE_MS = 15_000;

export function sseResponse<T extends object>(results: AsyncIterator<T> | T, format: (result: T) => unknown): Response {
  const source: AsyncIterator<T> =
    "next" in results && typeof results.next === "function"
      ? (results as AsyncIterator<T>)
      : (async function* () {
          yield results as T;
        })();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = setInterval(() => {
        try {
          controller.enqueue(encodeComment("keep-alive"));
        } catch {
          clearInterval(keepAlive);
        }
      }, KEEP_ALIVE_MS);
    },
    async pull(controller) {
      const r = await source.next();
      if (r.done) {
        clearInterval(keepAlive);
        controller.enqueue(encodeEvent("complete"));
        controller.close();
        return;
      }
      controller.enqueue(encodeEvent("next", format(r.value)));
    },
    async cancel() {
      clearInterval(keepAlive);
      await source.return?.();
    },
  });
  return new Response(stream, { status: 200, headers: EVENT_STREAM_HEADERS });
}
