/**
 * AI chat against a provider: replies, streaming, provider failures and timeouts.
 *
 * The provider is faked at the network edge (test/helpers/fake-openai.ts): the Worker's real
 * client sends a real chat-completions request through the global fetch, which the fake answers.
 * The Worker is called with OPENAI_API_KEY / OPENAI_BASE_URL set through altered bindings, as in
 * misconfiguration-and-outages.test.ts.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { BASE, expectProblem } from "../helpers/api.ts";
import {
  completion,
  FAKE_OPENAI_BASE_URL,
  FAKE_OPENAI_KEY,
  installFakeProvider,
  parseSse,
  providerError,
  sse,
  stall,
  streamChunks,
  usage,
} from "../helpers/fake-openai.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Conversation = { id: number; title: string; model: string; message_count: number; total_tokens: number };
type Message = {
  id: number;
  conversation_id: number;
  role: string;
  content: string;
  tokens: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  model: string | null;
  finish_reason: string | null;
};

const CONFIGURED = {
  OPENAI_API_KEY: FAKE_OPENAI_KEY,
  OPENAI_BASE_URL: FAKE_OPENAI_BASE_URL,
  OPENAI_MODEL: "fake-model-1",
};
const P = "/api/ai_chat/conversations";

const provider = installFakeProvider();
afterEach(() => {
  provider.respond(() => completion("Hello from the fake model."));
  vi.useRealTimers();
});
afterAll(() => provider.uninstall());

/**
 * One request through the Worker with AI chat configured. The body is read before waiting for
 * the execution context: a stream's pump runs under waitUntil and only finishes once read.
 */
async function call(
  user: TestUser,
  path: string,
  init: { method?: string; json?: unknown; accept?: string } = {},
  overrides: Record<string, string> = CONFIGURED,
) {
  const headers = new Headers(user.headers);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  if (init.accept) headers.set("Accept", init.accept);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(BASE + path, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    }),
    { ...env, ...overrides } as Env,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text, status: res.status, json: <T>() => JSON.parse(text) as T };
}

const send = (user: TestUser, id: number, content: string, accept?: string) =>
  call(user, `${P}/${id}/messages`, { method: "POST", json: { content }, accept });

async function newConversation(user: TestUser): Promise<Conversation> {
  const r = await call(user, P, { method: "POST", json: {} });
  expect(r.status, r.text).toBe(201);
  return r.json();
}
const messagesOf = async (user: TestUser, id: number) => (await call(user, `${P}/${id}/messages`)).json<Message[]>();
const conversation = async (user: TestUser, id: number) =>
  (await call(user, `${P}/${id}`)).json<Conversation & { messages: Message[] }>();

/** Re-wraps a Response so expectProblem can read it after `call` consumed the body. */
const asResponse = (r: { res: Response; text: string }) =>
  new Response(r.text, { status: r.res.status, headers: r.res.headers });

let user: TestUser;
beforeAll(async () => {
  user = await createUser();
});

describe("a reply", () => {
  it("is generated from the history, stored with its token usage, and totals the conversation", async () => {
    const c = await newConversation(user);
    expect(c.model).toBe("fake-model-1");

    provider.respond(() =>
      completion("Proof of work makes blocks costly to forge.", { usage: usage(30, 9), model: "fake-model-1-0613" }),
    );
    const first = await send(user, c.id, "  What is proof of work?  ");
    expect(first.status, first.text).toBe(200);
    const reply = first.json<Message>();
    expect(reply).toMatchObject({
      conversation_id: c.id,
      role: "assistant",
      content: "Proof of work makes blocks costly to forge.",
      prompt_tokens: 30,
      completion_tokens: 9,
      tokens: 39,
      model: "fake-model-1-0613",
      finish_reason: "stop",
    });

    // What reached the provider: the real endpoint, the key as a bearer token, the configured model.
    const sent = provider.calls.at(-1)!;
    expect(sent.url).toBe(`${FAKE_OPENAI_BASE_URL}/chat/completions`);
    expect(sent.method).toBe("POST");
    expect(sent.headers.get("Authorization")).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
    expect(sent.body.model).toBe("fake-model-1");
    expect(sent.body.stream).toBeUndefined();
    expect(sent.body.messages).toEqual([{ role: "user", content: "What is proof of work?" }]);

    provider.respond(() => completion("About ten minutes on Bitcoin.", { usage: usage(50, 7) }));
    expect((await send(user, c.id, "How long per block?")).status).toBe(200);
    expect(provider.calls.at(-1)!.body.messages).toEqual([
      { role: "user", content: "What is proof of work?" },
      { role: "assistant", content: "Proof of work makes blocks costly to forge." },
      { role: "user", content: "How long per block?" },
    ]);

    const after = await conversation(user, c.id);
    expect(after).toMatchObject({
      title: "What is proof of work?",
      message_count: 4,
      total_tokens: 39 + 57,
      model: "fake-model-1",
    });
    expect(after.messages.map((m) => [m.role, m.tokens])).toEqual([
      ["user", null],
      ["assistant", 39],
      ["user", null],
      ["assistant", 57],
    ]);
  });

  it("sends only the recent history: at most 20 messages", async () => {
    const c = await newConversation(user);
    for (let i = 1; i <= 11; i++) expect((await send(user, c.id, `question ${i}`)).status).toBe(200);
    const context = provider.calls.at(-1)!.body.messages;
    expect(context).toHaveLength(20);
    expect(context.at(-1)).toEqual({ role: "user", content: "question 11" });
    expect(context[0]).toEqual({ role: "assistant", content: "Hello from the fake model." }); // after question 1
    expect((await conversation(user, c.id)).message_count).toBe(22);
  });

  it("a conversation that is not mine is a 404, and the provider is never called", async () => {
    const other = await createUser();
    const c = await newConversation(other);
    const before = provider.calls.length;
    const r = await send(user, c.id, "let me in");
    expect((await expectProblem(asResponse(r), 404)).detail).toBe("Conversation not found");
    expect(provider.calls.length).toBe(before);
    expect(await messagesOf(other, c.id)).toEqual([]);
  });

  it("parallel sends to one conversation keep exact counts and totals", async () => {
    const c = await newConversation(user);
    provider.respond(() => completion("ok", { usage: usage(10, 1) }));
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => send(user, c.id, `parallel ${i}`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await conversation(user, c.id)).toMatchObject({ message_count: 10, total_tokens: 55 });
    expect(await messagesOf(user, c.id)).toHaveLength(10);
  });
});

describe("streaming (Accept: text/event-stream)", () => {
  it("forwards deltas as SSE, then a done event with the stored message and usage", async () => {
    const c = await newConversation(user);
    provider.respond(() => sse(streamChunks(["Blocks ", "link ", "by hash."], { usage: usage(21, 3) })));
    const r = await send(user, c.id, "How are blocks linked?", "text/event-stream");
    expect(r.status, r.text).toBe(200);
    expect(r.res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);

    const sent = provider.calls.at(-1)!.body;
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });

    const events = parseSse(r.text);
    const deltas = events.filter((e) => e.event === "delta").map((e) => e.data.content);
    expect(deltas.join("")).toBe("Blocks link by hash.");
    const last = events.at(-1)!;
    expect(last.event).toBe("done");
    expect(last.data.usage).toEqual(usage(21, 3));
    expect(last.data.message).toMatchObject({
      role: "assistant",
      content: "Blocks link by hash.",
      tokens: 24,
      finish_reason: "stop",
    });

    const stored = await messagesOf(user, c.id);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ["user", "How are blocks linked?"],
      ["assistant", "Blocks link by hash."],
    ]);
    expect(stored[1]!.id).toBe(last.data.message.id);
    expect((await conversation(user, c.id)).total_tokens).toBe(24);
  });

  it("a stream that breaks midway ends with an error event; the partial reply is not stored", async () => {
    const c = await newConversation(user);
    provider.respond(() => sse(streamChunks(["Half ", "a ", "reply"]), { breakAfter: 2 }));
    const r = await send(user, c.id, "Tell me everything", "text/event-stream");
    expect(r.status).toBe(200);
    const events = parseSse(r.text);
    expect(events.some((e) => e.event === "delta")).toBe(true);
    expect(events.some((e) => e.event === "done")).toBe(false);
    const last = events.at(-1)!;
    expect(last.event).toBe("error");
    expect(last.data).toMatchObject({ status: 502, title: "Bad Gateway" });
    expect(last.data.request_id).toBeTruthy();

    expect((await messagesOf(user, c.id)).map((m) => m.role)).toEqual(["user"]);
    expect(await conversation(user, c.id)).toMatchObject({ message_count: 1, total_tokens: 0 });
  });

  it("a client that disconnects midway does not lose the reply: it is read to the end and stored", async () => {
    const c = await newConversation(user);
    provider.respond(() => sse(streamChunks(["one ", "two ", "three"], { usage: usage(8, 3) })));
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}${P}/${c.id}/messages`, {
        method: "POST",
        headers: { ...user.headers, "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ content: "Count to three" }),
      }),
      { ...env, ...CONFIGURED } as Env,
      ctx,
    );
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await waitOnExecutionContext(ctx);
    const stored = await messagesOf(user, c.id);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ["user", "Count to three"],
      ["assistant", "one two three"],
    ]);
  });

  it("a provider error before the stream starts is a plain 502 problem", async () => {
    const c = await newConversation(user);
    provider.respond(() => providerError(500));
    const r = await send(user, c.id, "Hello?", "text/event-stream");
    await expectProblem(asResponse(r), 502);
    expect((await messagesOf(user, c.id)).map((m) => m.role)).toEqual(["user"]);
  });

  it("a server that ignores stream: true and answers JSON still streams to the client", async () => {
    const c = await newConversation(user);
    provider.respond(() => completion("Plain JSON.", { usage: usage(5, 2) }));
    const events = parseSse((await send(user, c.id, "hi", "text/event-stream")).text);
    expect(events.map((e) => e.event)).toEqual(["delta", "done"]);
    expect(events[1]!.data.message).toMatchObject({ content: "Plain JSON.", tokens: 7 });
  });
});

describe("provider failures keep the user's message and store no reply", () => {
  const logged = () => {
    const spies = (["log", "info", "warn", "error"] as const).map((m) => vi.spyOn(console, m));
    return () => spies.flatMap((s) => s.mock.calls.map((args) => args.map(String).join(" "))).join("\n");
  };

  it.each([
    [500, /HTTP 500/],
    [429, /HTTP 429/],
    [401, /rejected this server's credentials/],
  ])("provider HTTP %i → 502", async (status, detail) => {
    const c = await newConversation(user);
    const logs = logged();
    provider.respond(() => providerError(status, `Incorrect API key provided: ${FAKE_OPENAI_KEY}`));
    const r = await send(user, c.id, "Hello?");
    const problem = await expectProblem(asResponse(r), 502);
    expect(problem.detail).toMatch(detail);
    expect(problem.detail).toMatch(/your message was kept/);
    // Neither the key nor the provider's error text reaches the client or the logs.
    expect(r.text).not.toContain(FAKE_OPENAI_KEY);
    expect(r.text).not.toContain("Incorrect API key");
    expect(logs()).not.toContain(FAKE_OPENAI_KEY);

    expect((await messagesOf(user, c.id)).map((m) => [m.role, m.content])).toEqual([["user", "Hello?"]]);
    expect(await conversation(user, c.id)).toMatchObject({ message_count: 1, total_tokens: 0 });
  });

  it("an unreachable provider → 502", async () => {
    const c = await newConversation(user);
    provider.respond(() => Promise.reject(new TypeError("Network connection lost.")));
    const r = await send(user, c.id, "Anyone there?");
    expect((await expectProblem(asResponse(r), 502)).detail).toMatch(/could not be reached/);
    expect((await messagesOf(user, c.id)).map((m) => m.role)).toEqual(["user"]);
  });

  it("a reply that is not a chat completion → 502", async () => {
    const c = await newConversation(user);
    provider.respond(() => new Response("<html>gateway</html>", { headers: { "Content-Type": "text/html" } }));
    await expectProblem(asResponse(await send(user, c.id, "Hi")), 502);
    provider.respond(() => Response.json({ choices: [] }));
    await expectProblem(asResponse(await send(user, c.id, "Hi again")), 502);
    expect((await messagesOf(user, c.id)).map((m) => m.role)).toEqual(["user", "user"]);
  });

  it("a provider that does not answer within 30 s → 504", async () => {
    const c = await newConversation(user);
    provider.respond(stall);
    // Only setTimeout is faked: the Worker's deadline; database and Redis calls run in real time.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const pending = send(user, c.id, "Are you there?");
    await provider.received(provider.calls.length + 1);
    vi.advanceTimersByTime(29_999);
    expect(provider.calls.at(-1)!.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    const r = await pending;
    vi.useRealTimers();
    expect((await expectProblem(asResponse(r), 504)).detail).toMatch(/did not answer within 30 seconds/);
    expect((await messagesOf(user, c.id)).map((m) => m.role)).toEqual(["user"]);
  });

  it("a stream that stalls midway for 30 s → an error event (504), nothing stored for the reply", async () => {
    const c = await newConversation(user);
    const encoder = new TextEncoder();
    provider.respond(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(encoder.encode(`data: ${JSON.stringify(streamChunks(["Thinking"])[1])}\n\n`));
            }, // …and nothing more, ever
          }),
          { headers: { "Content-Type": "text/event-stream" } },
        ),
    );
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}${P}/${c.id}/messages`, {
        method: "POST",
        headers: { ...user.headers, "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ content: "Think hard" }),
      }),
      { ...env, ...CONFIGURED } as Env,
      ctx,
    );
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("Thinking")) text += (await reader.read()).value ?? "";
    const rest = (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
    })();
    let ended = false;
    void rest.finally(() => (ended = true));
    // The Worker re-arms its 30 s deadline when it goes back to reading; keep advancing until the
    // stream ends (scheduler.wait is real time: only setTimeout is faked).
    while (!ended) {
      vi.advanceTimersByTime(30_000);
      await scheduler.wait(5);
    }
    await rest;
    await waitOnExecutionContext(ctx);
    vi.useRealTimers();
    const last = parseSse(text).at(-1)!;
    expect(last.event).toBe("error");
    expect(last.data.status).toBe(504);
    expect((await messagesOf(user, c.id)).map((m) => m.role)).toEqual(["user"]);
  });
});

describe("the dashboard's AI card is never stale after a send", () => {
  type AiCard = { stats: { conversations: number; messages: number; tokens: number } };
  const overview = async (u: TestUser) => {
    const r = await call(u, "/api/dashboard/overview");
    expect(r.status, r.text).toBe(200);
    const card = r.json<{ services: Array<{ id: string } & AiCard> }>().services.find((s) => s.id === "ai_chat")!;
    return { cache: r.res.headers.get("X-Cache"), ...card.stats };
  };

  it("a failed reply kept the user's message: the next overview counts it", async () => {
    const u = await createUser();
    const c = await newConversation(u);
    await overview(u);
    expect((await overview(u)).cache).toBe("HIT");

    provider.respond(() => providerError(500));
    await expectProblem(asResponse(await send(u, c.id, "Hello?")), 502);
    expect(await overview(u)).toMatchObject({ messages: 1, tokens: 0 });
  });

  it("a streamed reply is stored after the response started: the overview read after `done` counts it", async () => {
    const u = await createUser();
    const c = await newConversation(u);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    provider.respond(() => {
      const [head, ...tail] = streamChunks(["Blocks ", "link."], { usage: usage(10, 2) }).map(
        (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
      );
      const encoder = new TextEncoder();
      return new Response(
        new ReadableStream({
          async start(controller) {
            controller.enqueue(encoder.encode(head));
            await gate; // the reply is held back until the test has read the overview
            for (const line of [...tail, "data: [DONE]\n\n"]) controller.enqueue(encoder.encode(line));
            controller.close();
          },
        }),
        { headers: { "Content-Type": "text/event-stream" } },
      );
    });

    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}${P}/${c.id}/messages`, {
        method: "POST",
        headers: { ...u.headers, "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ content: "How are blocks linked?" }),
      }),
      { ...env, ...CONFIGURED } as Env,
      ctx,
    );
    expect(res.status).toBe(200);
    // Mid-stream: the user's message is stored, the reply is not; this overview is cached.
    expect(await overview(u)).toMatchObject({ messages: 1, tokens: 0 });
    release();
    const events = parseSse(await res.text());
    await waitOnExecutionContext(ctx);
    expect(events.at(-1)!.event).toBe("done");
    expect(await overview(u)).toMatchObject({ messages: 2, tokens: 12 });
  });
});
