/**
 * A fake OpenAI-compatible provider at the network edge, for the AI chat tests.
 *
 * Why this shape: the tests run inside workerd, where no local server can be started, and the
 * shared vitest config (globalSetup, setupFiles, outboundService) is not this suite's to change.
 * The Worker under test runs in the same isolate as the test, and its provider client calls the
 * global `fetch` at call time. So `installFakeProvider()` replaces the global `fetch` with one that
 * answers requests to FAKE_OPENAI_BASE_URL like a chat-completions server would (JSON or SSE,
 * errors, stalls honouring the abort signal, streams that break) and passes every other request
 * (Neon's HTTP SQL endpoint, Upstash) to the real fetch. The Worker's code is unchanged: it builds
 * the real URL, headers and body, and reads a real Response — only the far end is fake.
 */
import { vi } from "vitest";

export const FAKE_OPENAI_BASE_URL = "https://fake-openai.test/v1";
export const FAKE_OPENAI_KEY = "sk-test-fake-key-0123456789abcdefghij";

export type ChatRequestBody = {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
};
export type ProviderCall = {
  url: string;
  method: string;
  headers: Headers;
  body: ChatRequestBody;
  signal: AbortSignal;
};
export type ProviderBehaviour = (call: ProviderCall) => Response | Promise<Response>;

export type FakeProvider = {
  /** Every request the Worker sent to the fake provider, in order. */
  calls: ProviderCall[];
  /** What the next requests get (until changed). Defaults to a short completion. */
  respond(behaviour: ProviderBehaviour): void;
  /** Resolves when the provider has received `count` requests in total. */
  received(count?: number): Promise<void>;
  uninstall(): void;
};

export function installFakeProvider(): FakeProvider {
  const realFetch = globalThis.fetch;
  const calls: ProviderCall[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let behaviour: ProviderBehaviour = () => completion("Hello from the fake model.");

  const fake = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (!request.url.startsWith(FAKE_OPENAI_BASE_URL)) return realFetch(input, init);
    const call: ProviderCall = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: (await request.json()) as ChatRequestBody,
      signal: request.signal,
    };
    calls.push(call);
    for (const w of waiters.filter((w) => calls.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    if (!request.url.endsWith("/chat/completions") || request.method !== "POST") {
      return Response.json({ error: { message: "not found" } }, { status: 404 });
    }
    return abortable(await behaviour(call), request.signal);
  };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(fake as typeof fetch);

  return {
    calls,
    respond(next) {
      behaviour = next;
    },
    received(count = calls.length + 1) {
      return calls.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
    },
    uninstall() {
      spy.mockRestore();
    },
  };
}

/** Like a real fetch, aborting the request also errors a body that is still being read. */
function abortable(response: Response, signal: AbortSignal): Response {
  if (!response.body) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener(
        "abort",
        () => {
          controller.error(signal.reason);
          reader.cancel(signal.reason).catch(() => {});
        },
        { once: true },
      );
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };
export const usage = (prompt: number, completionTokens: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completionTokens,
  total_tokens: prompt + completionTokens,
});

/** A non-streamed chat completion, as OpenAI returns it. */
export function completion(content: string, opts: { usage?: Usage; model?: string; finish_reason?: string } = {}) {
  return Response.json({
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: opts.model ?? "fake-model-1",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: opts.finish_reason ?? "stop" }],
    usage: opts.usage ?? usage(12, 5),
  });
}

/** The chunks of a streamed completion: role, one chunk per piece, finish, usage (include_usage). */
export function streamChunks(pieces: string[], opts: { usage?: Usage; model?: string } = {}): object[] {
  const base = {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 0,
    model: opts.model ?? "fake-model-1",
  };
  return [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    ...pieces.map((content) => ({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    { ...base, choices: [], usage: opts.usage ?? usage(20, pieces.length) },
  ];
}

/**
 * An SSE response carrying `chunks` then `data: [DONE]`. With `breakAfter`, the stream instead
 * fails after that many chunks, as a dropped connection does.
 */
export function sse(chunks: object[], opts: { breakAfter?: number } = {}) {
  const encoder = new TextEncoder();
  const lines = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (opts.breakAfter !== undefined && i >= opts.breakAfter) {
        controller.error(new TypeError("Network connection lost."));
      } else if (i < lines.length) {
        controller.enqueue(encoder.encode(lines[i++]!));
      } else {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
}

/** A provider that never answers: the returned promise only settles when the request is aborted. */
export function stall(call: ProviderCall): Promise<Response> {
  return new Promise((_, reject) => {
    if (call.signal.aborted) reject(call.signal.reason);
    call.signal.addEventListener("abort", () => reject(call.signal.reason), { once: true });
  });
}

/** An OpenAI-style error response. */
export function providerError(status: number, message = "The server had an error while processing your request.") {
  return Response.json({ error: { message, type: "server_error", param: null, code: null } }, { status });
}

/** Parses a server-sent event stream into `{event, data}` pairs (data JSON-decoded). */
export function parseSse(text: string): Array<{ event: string; data: any }> {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== "")
    .map((block) => {
      let event = "message";
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      return { event, data: JSON.parse(data.join("\n")) };
    });
}

export type FakeToolCall = { id: string; name: string; arguments: unknown };

/** A non-streamed reply asking for function calls (finish_reason "tool_calls"), as OpenAI sends it. */
export function toolCallCompletion(calls: FakeToolCall[], opts: { usage?: Usage; content?: string | null } = {}) {
  return Response.json({
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: "fake-model-1",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: opts.content ?? null,
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: "function",
            function: {
              name: c.name,
              arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
            },
          })),
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: opts.usage ?? usage(40, 10),
  });
}

/** The chunks of a streamed reply asking for one function call, its arguments split in two pieces. */
export function toolCallChunks(call: FakeToolCall, opts: { usage?: Usage } = {}): object[] {
  const base = { id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model: "fake-model-1" };
  const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
  const half = Math.floor(args.length / 2);
  const delta = (d: object, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta: d, finish_reason: finish }],
  });
  return [
    delta({
      role: "assistant",
      content: null,
      tool_calls: [{ index: 0, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
    }),
    delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, half) } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }),
    delta({}, "tool_calls"),
    { ...base, choices: [], usage: opts.usage ?? usage(30, 8) },
  ];
}

/** The messages the Worker sent in one provider call, with tool results parsed. */
export function toolMessages(call: ProviderCall): Array<{ tool_call_id: string; content: any }> {
  return (call.body.messages as Array<{ role: string; content: string; tool_call_id?: string }>)
    .filter((m) => m.role === "tool")
    .map((m) => ({ tool_call_id: m.tool_call_id!, content: JSON.parse(m.content) }));
}
