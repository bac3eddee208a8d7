/**
 * AI chat without a provider call: conversations CRUD, ownership, validation, the alias path, and
 * the "not configured" answer. Provider behaviour (replies, streams, failures) is in
 * ai-chat-provider.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  boundedContext,
  HISTORY_MAX_CHARS,
  HISTORY_MAX_MESSAGES,
  titleFromMessage,
} from "../../src/services/ai-chat/conversations.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Conversation = {
  id: number;
  title: string;
  model: string;
  message_count: number;
  total_tokens: number;
  created_at: string;
  updated_at: string;
};
type Message = { id: number; role: string; content: string };

const P = "/api/ai_chat/conversations";

function as(user: TestUser, path: string, init: RequestInit & { json?: unknown } = {}) {
  return api(path, { ...init, headers: { ...user.headers, ...(init.headers as Record<string, string> | undefined) } });
}

async function create(user: TestUser, json?: unknown): Promise<Conversation> {
  const res = await as(user, P, { method: "POST", ...(json === undefined ? {} : { json }) });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
});

describe("conversations", () => {
  it("creates one with the default title and the configured model, with no body at all", async () => {
    const c = await create(alice);
    expect(c).toMatchObject({ title: "New Conversation", model: "gpt-4o-mini", message_count: 0, total_tokens: 0 });
    expect(Date.parse(c.created_at)).not.toBeNaN();
  });

  it("creates one with a title (trimmed); an empty or null title means the default", async () => {
    expect((await create(alice, { title: "  Trip planning " })).title).toBe("Trip planning");
    expect((await create(alice, { title: "" })).title).toBe("New Conversation");
    expect((await create(alice, { title: null })).title).toBe("New Conversation");
  });

  it("gets one with its messages, renames it and deletes it (then it is gone)", async () => {
    const c = await create(alice, { title: "Before" });
    const got = await as(alice, `${P}/${c.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id: c.id, title: "Before", messages: [] });

    const renamed = await as(alice, `${P}/${c.id}`, { method: "PATCH", json: { title: "After" } });
    expect(renamed.status).toBe(200);
    const body = await renamed.json<Conversation>();
    expect(body.title).toBe("After");
    expect(Date.parse(body.updated_at)).toBeGreaterThanOrEqual(Date.parse(c.updated_at));

    const del = await as(alice, `${P}/${c.id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    await expectProblem(await as(alice, `${P}/${c.id}`), 404);
    await expectProblem(await as(alice, `${P}/${c.id}`, { method: "DELETE" }), 404);
    await expectProblem(await as(alice, `${P}/${c.id}/messages`), 404);
  });

  it("lists only mine, most recently active first, paginated", async () => {
    const user = await createUser();
    const a = await create(user, { title: "a" });
    const b = await create(user, { title: "b" });
    await as(user, `${P}/${a.id}`, { method: "PATCH", json: { title: "a2" } }); // a is now the most recent
    await create(bob, { title: "not yours" });

    const res = await as(user, P);
    expect(res.status).toBe(200);
    expect((await res.json<Conversation[]>()).map((c) => c.id)).toEqual([a.id, b.id]);

    const page = await (await as(user, `${P}?limit=1&offset=1`)).json<Conversation[]>();
    expect(page.map((c) => c.id)).toEqual([b.id]);
    expect(await (await as(user, `${P}?offset=5`)).json()).toEqual([]);
  });

  it("rejects bad pagination with 422", async () => {
    for (const q of ["limit=0", "limit=101", "offset=-1", "limit=abc"]) {
      await expectProblem(await as(alice, `${P}?${q}`), 422);
    }
  });

  it("messages of a new conversation: an empty list", async () => {
    const c = await create(alice);
    const res = await as(alice, `${P}/${c.id}/messages`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });
});

describe("ownership: another user's conversation does not exist for me", () => {
  it("is a 404 for get, rename, delete, messages and send — and stays untouched", async () => {
    const c = await create(alice, { title: "Private" });
    const attempts = [
      as(bob, `${P}/${c.id}`),
      as(bob, `${P}/${c.id}`, { method: "PATCH", json: { title: "Hijacked" } }),
      as(bob, `${P}/${c.id}`, { method: "DELETE" }),
      as(bob, `${P}/${c.id}/messages`),
    ];
    for (const res of await Promise.all(attempts)) {
      const problem = await expectProblem(res, 404);
      expect(problem.detail).toBe("Conversation not found");
    }
    // Not configured here, which would be a 503; the 404 for a missing conversation is only
    // reachable with a provider, and is covered in ai-chat-provider.test.ts.
    const mine = await (await as(alice, `${P}/${c.id}`)).json<Conversation>();
    expect(mine).toMatchObject({ title: "Private", message_count: 0 });
    const bobs = await (await as(bob, P)).json<Conversation[]>();
    expect(bobs.some((x) => x.id === c.id)).toBe(false);
  });

  it("a conversation id that never existed is the same 404", async () => {
    const problem = await expectProblem(await as(alice, `${P}/2147483647`), 404);
    expect(problem.detail).toBe("Conversation not found");
  });
});

describe("authentication and input", () => {
  it("requires a token", async () => {
    await expectProblem(await api(P), 401);
    await expectProblem(await api(`${P}/1/messages`, { method: "POST", json: { content: "hi" } }), 401);
  });

  it("rejects bad ids and bodies with 4xx problems", async () => {
    const c = await create(alice);
    await expectProblem(await as(alice, `${P}/abc`), 422);
    await expectProblem(await as(alice, `${P}/0`), 422);
    await expectProblem(await as(alice, `${P}/99999999999`), 422);
    await expectProblem(await as(alice, `${P}/${c.id}`, { method: "PATCH", json: { title: "" } }), 422);
    await expectProblem(await as(alice, `${P}/${c.id}`, { method: "PATCH", json: { title: "x".repeat(256) } }), 422);
    await expectProblem(await as(alice, `${P}/${c.id}`, { method: "PATCH", json: { title: 42 } }), 422);
    await expectProblem(await as(alice, P, { method: "POST", json: { title: ["a"] } }), 422);

    const send = (init: RequestInit & { json?: unknown }) =>
      as(alice, `${P}/${c.id}/messages`, { method: "POST", ...init });
    for (const json of [
      {},
      { content: "" },
      { content: "   \n " },
      { content: 123 },
      { content: null },
      { content: ["hi"] },
      { content: "x".repeat(32_001) },
    ]) {
      const problem = await expectProblem(await send({ json }), 422);
      expect(problem.errors?.[0]?.path).toBe("content");
    }
    await expectProblem(await send({ json: { content: "x".repeat(1024 * 1024) } }), 413);
    await expectProblem(await send({ body: "{not json", headers: { "Content-Type": "application/json" } }), 400);
    await expectProblem(await send({ body: "hello", headers: { "Content-Type": "text/plain" } }), 415);
    // None of it stored anything.
    expect(await (await as(alice, `${P}/${c.id}/messages`)).json()).toEqual([]);
  });
});

describe("conversation ids are plain decimal digits", () => {
  it("another spelling of a real id (0x1, 01, +1, 1.0, 1e0, spaces) is a 422, never that conversation", async () => {
    const c = await create(alice);
    expect((await as(alice, `${P}/${c.id}`)).status).toBe(200);
    for (const alias of [
      `0x${c.id.toString(16)}`,
      `0${c.id}`,
      `+${c.id}`,
      `${c.id}.0`,
      `${c.id}e0`,
      `%20${c.id}`,
      `${c.id}%20`,
    ]) {
      await expectProblem(await as(alice, `${P}/${alias}`), 422);
      await expectProblem(await as(alice, `${P}/${alias}/messages`), 422);
      await expectProblem(await as(alice, `${P}/${alias}`, { method: "DELETE" }), 422);
    }
    expect((await as(alice, `${P}/${c.id}`)).status).toBe(200);
  });
});

describe("without a provider (no OPENAI_API_KEY)", () => {
  it("sending answers 503 with a clear detail and stores nothing", async () => {
    const c = await create(alice);
    for (const accept of ["application/json", "text/event-stream"]) {
      const res = await as(alice, `${P}/${c.id}/messages`, {
        method: "POST",
        json: { content: "Hello?" },
        headers: { Accept: accept },
      });
      const problem = await expectProblem(res, 503);
      expect(problem.detail).toMatch(/AI chat is not configured/);
      expect(problem.type).toMatch(/ai-not-configured$/);
    }
    expect(await (await as(alice, `${P}/${c.id}/messages`)).json()).toEqual([]);
    expect(await (await as(alice, `${P}/${c.id}`)).json()).toMatchObject({
      title: "New Conversation",
      message_count: 0,
      total_tokens: 0,
    });
  });

  it("public config says AI chat is off", async () => {
    const body = await (await api("/api/system/config/public")).json<{ features: Record<string, boolean> }>();
    expect(body.features.ai_chat).toBe(false);
  });
});

describe("the original's path /api/ai-chat", () => {
  it("is an alias with the same handlers, documented once", async () => {
    const c = await create(alice, { title: "Via canonical" });
    const res = await as(alice, `/api/ai-chat/conversations/${c.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: c.id, title: "Via canonical" });
    const created = await as(alice, "/api/ai-chat/conversations", { method: "POST", json: { title: "Via alias" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("Deprecation")).toMatch(/^@\d+$/);
    expect(created.headers.get("Sunset")).toMatch(/GMT$/);
    const bad = await as(alice, "/api/ai-chat/conversations/abc");
    expect(bad.headers.get("Link")).toBe('</api/ai_chat/conversations/abc>; rel="successor-version"');
    await expectProblem(bad, 422);

    const doc = await (await api("/api/openapi.json")).json<{ paths: Record<string, unknown> }>();
    const paths = Object.keys(doc.paths);
    expect(paths).toContain("/api/ai_chat/conversations/{id}/messages");
    expect(paths.filter((p) => p.startsWith("/api/ai-chat"))).toEqual([]);
  });
});

describe("context and titles", () => {
  const msg = (role: "user" | "assistant", content: string) => ({ role, content });

  it("sends at most the last 20 messages, oldest first", () => {
    const newestFirst = Array.from({ length: 30 }, (_, i) => msg(i % 2 ? "assistant" : "user", `m${29 - i}`));
    const context = boundedContext(newestFirst);
    expect(context).toHaveLength(HISTORY_MAX_MESSAGES);
    expect(context[0]!.content).toBe("m10");
    expect(context.at(-1)!.content).toBe("m29");
  });

  it("keeps within the character budget, but always sends the newest message", () => {
    const big = "x".repeat(HISTORY_MAX_CHARS / 2);
    expect(
      boundedContext([msg("user", "new"), msg("assistant", big), msg("user", big), msg("assistant", "old")]).map(
        (m) => m.content.length,
      ),
    ).toEqual([big.length, 3]);
    expect(boundedContext([msg("user", "y".repeat(HISTORY_MAX_CHARS + 10))])).toHaveLength(1);
  });

  it("a first message becomes the title: whitespace collapsed, 50 characters then an ellipsis", () => {
    expect(titleFromMessage("  Hello\n\nthere  ")).toBe("Hello there");
    expect(titleFromMessage("a".repeat(50))).toBe("a".repeat(50));
    expect(titleFromMessage("é".repeat(51))).toBe(`${"é".repeat(50)}...`);
  });
});
