import { vi } from "vitest";
import { api } from "./api.ts";

export type GraphQLErrorJson = {
  message: string;
  path?: Array<string | number>;
  extensions: { code: string; status: number; errors?: Array<{ path: string; message: string }> };
};
export type GraphQLResult<T = any> = {
  data?: T | null;
  errors?: GraphQLErrorJson[];
  extensions?: { cost: number; depth: number };
};

/** POST /api/graphql (checked against the OpenAPI document like every api() call); fails on a non-200. */
export async function gql<T = any>(
  query: string,
  opts: { variables?: Record<string, unknown>; headers?: Record<string, string>; operationName?: string } = {},
): Promise<GraphQLResult<T>> {
  const res = await api("/api/graphql", {
    method: "POST",
    headers: opts.headers ?? {},
    json: {
      query,
      ...(opts.variables ? { variables: opts.variables } : {}),
      ...(opts.operationName ? { operationName: opts.operationName } : {}),
    },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`graphql answered ${res.status}: ${text}`);
  return JSON.parse(text) as GraphQLResult<T>;
}

/** The error codes of a result, in order. */
export const codes = (r: GraphQLResult) => (r.errors ?? []).map((e) => e.extensions.code);

/**
 * Runs `fn` counting the SQL statements the Worker sends to the database's HTTP endpoint (the local
 * cloud's Neon proxy `/sql`; a `db.batch` counts each statement in it) and the transactions opened
 * over its WebSocket. The Worker runs in this isolate, so its `fetch` is this `fetch`.
 */
export async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const real = globalThis.fetch;
  let statements = 0;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url).pathname.endsWith("/sql") && typeof init?.body === "string") {
      const body = JSON.parse(init.body) as { queries?: unknown[] };
      statements += Array.isArray(body.queries) ? body.queries.length : 1;
    }
    return real(input, init);
  });
  try {
    return { result: await fn(), statements };
  } finally {
    spy.mockRestore();
  }
}

export type SseEvent = { event: string; data: GraphQLResult | null };

/**
 * Opens a GraphQL-over-SSE stream (POST /api/graphql, Accept: text/event-stream) and reads its
 * events as they come; `close()` cancels the stream as a leaving client would.
 */
export async function gqlStream(query: string, headers: Record<string, string> = {}) {
  const res = await api("/api/graphql", {
    method: "POST",
    headers: { ...headers, Accept: "text/event-stream" },
    json: { query },
  });
  if (res.status !== 200) throw new Error(`graphql stream answered ${res.status}: ${await res.text()}`);
  if (!res.headers.get("Content-Type")?.startsWith("text/event-stream"))
    throw new Error(`not an event stream: ${res.headers.get("Content-Type")}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let ended = false;
  let buffer = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? "";
        if (event) events.push({ event, data: data ? (JSON.parse(data) as GraphQLResult) : null });
      }
    }
  })()
    .catch(() => {})
    .finally(() => (ended = true));
  const waitFor = async (pred: (e: SseEvent[]) => boolean, timeoutMs = 8000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pred(events) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (!pred(events)) throw new Error(`timed out waiting; events so far: ${JSON.stringify(events)}`);
    return events;
  };
  return {
    events,
    waitFor,
    ended: () => ended,
    close: async () => {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}
