/**
 * /api/agents: the registry (built-ins + mine, versioned) and running agents with tools.
 *
 * The provider is faked at the network edge (test/helpers/fake-openai.ts), including replies that
 * ask for function calls: the Worker's real client sends real requests and reads real responses.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { api, BASE, expectProblem } from "../helpers/api.ts";
import {
  completion,
  FAKE_OPENAI_BASE_URL,
  FAKE_OPENAI_KEY,
  installFakeProvider,
  parseSse,
  sse,
  streamChunks,
  toolCallChunks,
  toolCallCompletion,
  toolMessages,
  usage,
} from "../helpers/fake-openai.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const CONFIGURED = {
  OPENAI_API_KEY: FAKE_OPENAI_KEY,
  OPENAI_BASE_URL: FAKE_OPENAI_BASE_URL,
  OPENAI_MODEL: "fake-model-1",
};

const provider = installFakeProvider();
afterEach(() => provider.respond(() => completion("Hello from the fake model.")));
afterAll(() => provider.uninstall());

/** One request with AI configured; the body is read before the execution context is awaited. */
async function call(user: TestUser, path: string, init: { method?: string; json?: unknown; accept?: string } = {}) {
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
    { ...env, ...CONFIGURED } as Env,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text, status: res.status, json: <T = any>() => JSON.parse(text) as T };
}

const execute = (user: TestUser, name: string, input: string, accept?: string) =>
  call(user, `/api/agents/${name}/execute`, { method: "POST", json: { input }, accept });

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([createUser(), createUser(), createUser()]);
});

describe("the registry", () => {
  it("lists the built-ins with categories, stats and search", async () => {
    const list = await api("/api/agents?limit=100", { headers: alice.headers });
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      total: number;
      agents: Array<{ name: string; builtin: boolean; tools: string[] }>;
    };
    const names = body.agents.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(["summarizer", "code-reviewer", "planner", "roadchain-analyst"]));
    expect(body.agents.find((a) => a.name === "roadchain-analyst")).toMatchObject({
      builtin: true,
      tools: ["get_wallet", "list_transactions"],
    });

    const cats = (await (await api("/api/agents/categories", { headers: alice.headers })).json()) as {
      categories: Array<{ name: string; count: number }>;
    };
    expect(cats.categories.map((c) => c.name)).toEqual(expect.arrayContaining(["finance", "planning", "writing"]));

    const found = (await (await api("/api/agents/search?q=review%20code", { headers: alice.headers })).json()) as {
      agents: Array<{ name: string }>;
    };
    expect(found.agents.map((a) => a.name)).toEqual(["code-reviewer"]);

    const stats = (await (await api("/api/agents/stats", { headers: alice.headers })).json()) as Record<string, number>;
    expect(stats.builtin_agents).toBeGreaterThanOrEqual(5);

    const tools = (await (await api("/api/agents/tools", { headers: alice.headers })).json()) as {
      tools: Array<{ name: string; parameters: { type: string } }>;
    };
    expect(tools.tools.find((t) => t.name === "read_mail")?.parameters.type).toBe("object");
  });

  it("keeps my agents mine, versions every change, and protects the built-ins", async () => {
    const created = await api("/api/agents", {
      method: "POST",
      headers: alice.headers,
      json: { name: "trip-helper", description: "Plans trips", instructions: "Plan trips.", tools: ["search"] },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await created.json()).toMatchObject({ name: "trip-helper", version: 1, author: "you", category: "custom" });

    const changed = await api("/api/agents/trip-helper", {
      method: "PATCH",
      headers: alice.headers,
      json: { instructions: "Plan short trips.", tags: ["travel"] },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ version: 2, instructions: "Plan short trips.", tags: ["travel"] });
    const versions = (await (
      await api("/api/agents/trip-helper/versions", { headers: alice.headers })
    ).json()) as Array<{
      version: number;
      instructions: string;
    }>;
    expect(versions.map((v) => [v.version, v.instructions])).toEqual([
      [2, "Plan short trips."],
      [1, "Plan trips."],
    ]);

    // Someone else's agent does not exist for bob: not listed, not readable, not runnable, not changeable.
    await expectProblem(await api("/api/agents/trip-helper", { headers: bob.headers }), 404);
    await expectProblem(await api("/api/agents/trip-helper", { method: "DELETE", headers: bob.headers }), 404);
    expect((await execute(bob, "trip-helper", "hi")).status).toBe(404);
    const bobs = (await (await api("/api/agents?limit=100", { headers: bob.headers })).json()) as {
      agents: Array<{ name: string }>;
    };
    expect(bobs.agents.map((a) => a.name)).not.toContain("trip-helper");

    // Built-ins: readable by everyone, changeable by nobody, their names not takeable.
    await expectProblem(
      await api("/api/agents/planner", { method: "PATCH", headers: alice.headers, json: { description: "mine" } }),
      403,
    );
    await expectProblem(
      await api("/api/agents", {
        method: "POST",
        headers: alice.headers,
        json: { name: "planner", description: "x", instructions: "x" },
      }),
      409,
    );
    await expectProblem(
      await api("/api/agents", {
        method: "POST",
        headers: alice.headers,
        json: { name: "trip-helper", description: "again", instructions: "x" },
      }),
      409,
    );
    // A tool that does not exist cannot be granted.
    await expectProblem(
      await api("/api/agents", {
        method: "POST",
        headers: alice.headers,
        json: { name: "greedy", description: "x", instructions: "x", tools: ["transfer_all_coins"] },
      }),
      422,
    );

    expect((await api("/api/agents/trip-helper", { method: "DELETE", headers: alice.headers })).status).toBe(204);
    await expectProblem(await api("/api/agents/trip-helper", { headers: alice.headers }), 404);
  });
});

describe("running an agent", () => {
  it("answers 503 naming the variable when no provider is configured, and runs nothing", async () => {
    const before = provider.calls.length;
    const res = await api("/api/agents/planner/execute", {
      method: "POST",
      headers: alice.headers,
      json: { input: "Plan my week" },
    });
    const problem = await expectProblem(res, 503);
    expect(problem.detail).toContain("OPENAI_API_KEY");
    expect(provider.calls.length).toBe(before);
  });

  it("calls a tool as the caller and uses its result, streamed, with token usage recorded", async () => {
    const wallet = (await (await api("/api/blockchain/wallet", { headers: alice.headers })).json()) as {
      address: string;
      balance: string;
    };
    let round = 0;
    provider.respond(() => {
      round++;
      if (round === 1)
        return sse(toolCallChunks({ id: "call_w1", name: "get_wallet", arguments: {} }, { usage: usage(30, 8) }));
      return sse(streamChunks(["Your balance ", "is fine."], { usage: usage(60, 6) }));
    });
    const first = provider.calls.length;

    const r = await execute(alice, "roadchain-analyst", "How much do I have?", "text/event-stream");
    expect(r.status, r.text).toBe(200);
    const events = parseSse(r.text);
    expect(events.map((e) => e.event)).toEqual(["run", "tool_call", "tool_result", "delta", "delta", "done"]);
    expect(events[1]!.data).toMatchObject({ id: "call_w1", name: "get_wallet" });
    expect(events[2]!.data).toMatchObject({ ok: true, result: { address: wallet.address, balance: wallet.balance } });

    // The first request offered the agent's tools as functions; the second carried the tool's result.
    const [ask, answer] = provider.calls.slice(first);
    expect((ask!.body as any).tools.map((t: any) => t.function.name)).toEqual(["get_wallet", "list_transactions"]);
    expect(toolMessages(answer!)).toEqual([
      { tool_call_id: "call_w1", content: { ok: true, result: expect.objectContaining({ address: wallet.address }) } },
    ]);

    const run = events.at(-1)!.data.run;
    expect(run).toMatchObject({
      agent: "roadchain-analyst",
      status: "succeeded",
      output: "Your balance is fine.",
      usage: { prompt_tokens: 90, completion_tokens: 14, total_tokens: 104 },
      tool_calls: [{ id: "call_w1", name: "get_wallet", ok: true }],
    });
    const stored = await api(`/api/agent-runs/${run.id}`, { headers: alice.headers });
    expect(await stored.json()).toMatchObject({ id: run.id, usage: { total_tokens: 104 } });
    await expectProblem(await api(`/api/agent-runs/${run.id}`, { headers: bob.headers }), 404);
    const stats = (await (await api("/api/agents/stats", { headers: alice.headers })).json()) as {
      runs: { total: number; prompt_tokens: number; tool_calls: number };
    };
    expect(stats.runs).toMatchObject({ total: 1, prompt_tokens: 90, tool_calls: 1 });
  });

  it("refuses a tool call outside the caller's rights: another user's mail never reaches the model", async () => {
    const sent = await api("/api/email/send", {
      method: "POST",
      headers: alice.headers,
      json: { to: bob.email, subject: "Quarterly secret", body: "The vault code is 4711." },
    });
    expect(sent.status).toBe(201);
    const alicesCopy = ((await sent.json()) as { id: number }).id;

    provider.respond((c) =>
      toolMessages(c).length
        ? completion("I could not read it.")
        : toolCallCompletion([{ id: "call_m1", name: "read_mail", arguments: { id: alicesCopy } }]),
    );
    const first = provider.calls.length;
    const r = await execute(carol, "summarizer", `Summarise message ${alicesCopy}`);
    expect(r.status, r.text).toBe(200);
    const run = r.json();
    expect(run.tool_calls).toEqual([
      expect.objectContaining({ name: "read_mail", ok: false, error: expect.stringContaining("not in your mailbox") }),
    ]);

    const sentToModel = JSON.stringify(provider.calls.slice(first).map((c) => c.body));
    expect(sentToModel).not.toContain("4711");
    expect(sentToModel).not.toContain("Quarterly secret");

    // The same call by the owner works: the refusal is about rights, not the tool.
    provider.respond((c) =>
      toolMessages(c).length
        ? completion("Done.")
        : toolCallCompletion([{ id: "call_m2", name: "read_mail", arguments: { id: alicesCopy } }]),
    );
    const own = await execute(alice, "summarizer", "Summarise it");
    expect(own.json().tool_calls).toEqual([expect.objectContaining({ ok: true })]);
    expect(JSON.stringify(provider.calls.at(-1)!.body)).toContain("4711");
  });

  it("refuses tools the agent was not given, and invalid arguments", async () => {
    provider.respond((c) =>
      toolMessages(c).length
        ? completion("ok")
        : toolCallCompletion([
            { id: "c1", name: "get_wallet", arguments: {} },
            { id: "c2", name: "read_mail", arguments: { id: "one" } },
          ]),
    );
    const r = await execute(alice, "summarizer", "anything");
    const results = toolMessages(provider.calls.at(-1)!);
    expect(results[0]!.content).toEqual({ ok: false, error: 'tool "get_wallet" is not available to this agent' });
    expect(results[1]!.content.error).toMatch(/^invalid arguments: id:/);
    expect(r.json().status).toBe("succeeded");
  });

  it("bounds the number of tool calls and always ends with an answer", async () => {
    const many = (round: number) =>
      Array.from({ length: 5 }, (_, i) => ({ id: `c${round}_${i}`, name: "get_wallet", arguments: {} }));
    let round = 0;
    provider.respond(() => {
      round++;
      // A model that never stops asking for tools (and answers text only when offered none).
      return toolCallCompletion(many(round), { content: round >= 3 ? "Enough." : null });
    });
    const first = provider.calls.length;
    const r = await execute(alice, "roadchain-analyst", "loop forever");
    expect(r.status, r.text).toBe(200);
    const run = r.json();
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe("Enough.");
    expect(run.tool_calls).toHaveLength(10);
    expect(run.tool_calls.filter((t: { ok: boolean }) => t.ok)).toHaveLength(8);
    expect(run.tool_calls.at(-1).error).toContain("limit of 8 tool calls");
    const calls = provider.calls.slice(first);
    expect(calls).toHaveLength(3);
    expect((calls[2]!.body as any).tools).toBeUndefined();
  });
});
