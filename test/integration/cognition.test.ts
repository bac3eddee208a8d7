/**
 * /api/cognition and /api/cece: workflows of agents on Cloudflare Workflows (run by the vitest
 * plugin's local Workflows engine), with the provider faked at the network edge.
 *
 * The Workflow instance reads its configuration from the Worker's own bindings (not a request's),
 * so this file configures the provider on the shared `env` before anything reads it.
 */
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import {
  completion,
  FAKE_OPENAI_BASE_URL,
  FAKE_OPENAI_KEY,
  installFakeProvider,
  type ProviderCall,
  providerError,
  usage,
} from "../helpers/fake-openai.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

Object.assign(env, {
  OPENAI_API_KEY: FAKE_OPENAI_KEY,
  OPENAI_BASE_URL: FAKE_OPENAI_BASE_URL,
  OPENAI_MODEL: "fake-model-1",
});

const provider = installFakeProvider();
afterEach(() => provider.respond(() => completion("Hello from the fake model.")));
afterAll(() => provider.uninstall());

type Workflow = { id: string; status: string; output: string | null; usage: { prompt_tokens: number } };
type Trace = Workflow & {
  steps: Array<{ name: string; agent: string; status: string; attempts: number; input: string; output: string | null }>;
};

let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
});

const start = async (user: TestUser, body: unknown) => {
  const res = await api("/api/cognition/workflows", { method: "POST", headers: user.headers, json: body });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as Workflow;
};
const trace = async (user: TestUser, id: string) =>
  (await (await api(`/api/cognition/workflows/${id}`, { headers: user.headers })).json()) as Trace;

/** The user message of a provider call (the step's input). */
const inputOf = (call: ProviderCall) => call.body.messages.find((m) => m.role === "user")?.content ?? "";

describe("workflows", () => {
  it("runs a sequential workflow: each step gets the previous result, the trace and tokens are stored", async () => {
    provider.respond((call) =>
      completion(inputOf(call).includes("Result of the previous step") ? "Step two done." : "Step one done.", {
        usage: usage(10, 5),
      }),
    );
    const w = await start(alice, {
      mode: "sequential",
      tasks: [
        { agent: "planner", input: "Plan a garden" },
        { agent: "summarizer", input: "Summarise the plan" },
      ],
      memory_key: "garden",
    });
    await using instance = await introspectWorkflowInstance(env.COGNITION_WORKFLOW, w.id);
    await instance.waitForStatus("complete");

    const t = await trace(alice, w.id);
    expect(t).toMatchObject({ status: "complete", output: "Step two done.", usage: { prompt_tokens: 20 } });
    expect(t.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["1. planner", "succeeded", 1],
      ["2. summarizer", "succeeded", 1],
    ]);
    expect(t.steps[1]!.input).toContain("Step one done.");
    // Someone else's workflow does not exist for them.
    await expectProblem(await api(`/api/cognition/workflows/${w.id}`, { headers: bob.headers }), 404);

    // Memory: stored under the key, and handed to the next workflow that names it.
    const memory = (await (await api("/api/cognition/memory", { headers: alice.headers })).json()) as Array<{
      key: string;
      value: string;
    }>;
    expect(memory).toEqual([expect.objectContaining({ key: "garden", value: "Step two done." })]);
    const again = await start(alice, {
      mode: "parallel",
      tasks: [{ agent: "planner", input: "Next?" }],
      memory_key: "garden",
    });
    await using second = await introspectWorkflowInstance(env.COGNITION_WORKFLOW, again.id);
    await second.waitForStatus("complete");
    expect(inputOf(provider.calls.at(-1)!)).toContain("Step two done.");
  });

  it("retries a failing step with backoff: failing twice then succeeding runs three times and completes", async () => {
    let attempts = 0;
    provider.respond(() => (++attempts <= 2 ? providerError(500) : completion("Third time lucky.")));
    const w = await start(alice, { mode: "sequential", tasks: [{ agent: "code-reviewer", input: "review x=1" }] });
    await using instance = await introspectWorkflowInstance(env.COGNITION_WORKFLOW, w.id);
    await instance.waitForStatus("complete");

    expect(attempts).toBe(3);
    const t = await trace(alice, w.id);
    expect(t.status).toBe("complete");
    expect(t.output).toBe("Third time lucky.");
    expect(t.steps).toEqual([expect.objectContaining({ name: "1. code-reviewer", status: "succeeded", attempts: 3 })]);
  }, 60_000);

  it("stops a cancelled workflow: no step after the cancel calls the model", async () => {
    // The cancel arrives while the first step's model call is in flight (sent by the fake provider
    // itself, before it answers): that call finishes, nothing after it runs.
    let workflowId = "";
    let calls = 0;
    let cancelStatus = 0;
    provider.respond(async () => {
      calls++;
      const res = await api(`/api/cognition/cancel-workflow/${workflowId}`, { method: "POST", headers: alice.headers });
      cancelStatus = res.status;
      return completion("first step result");
    });
    const w = await start(alice, {
      mode: "sequential",
      tasks: [
        { agent: "planner", input: "one" },
        { agent: "planner", input: "two" },
      ],
    });
    workflowId = w.id;
    await using instance = await introspectWorkflowInstance(env.COGNITION_WORKFLOW, w.id);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ output: "", cancelled: true });

    expect(cancelStatus).toBe(200);
    expect(calls).toBe(1);
    const t = await trace(alice, w.id);
    expect(t.status).toBe("cancelled");
    expect(t.steps.map((s) => s.name)).toEqual(["1. planner"]);
    expect(
      (await (await api("/api/cognition/active-workflows", { headers: alice.headers })).json()) as Workflow[],
    ).not.toEqual(expect.arrayContaining([expect.objectContaining({ id: w.id })]));
    await expectProblem(
      await api(`/api/cognition/cancel-workflow/${w.id}`, { method: "POST", headers: bob.headers }),
      404,
    );
    await expectProblem(
      await api(`/api/cognition/cancel-workflow/${w.id}`, { method: "POST", headers: alice.headers }),
      409,
    );
  });

  it("answers 503 naming the variable when no provider is configured, and starts nothing", async () => {
    const res = await fetchWith({ OPENAI_API_KEY: "" }, "/api/cognition/workflows", {
      method: "POST",
      headers: alice.headers,
      json: { mode: "planner", goal: "anything" },
    });
    expect((await expectProblem(res, 503)).detail).toContain("OPENAI_API_KEY");
  });
});

describe("cece", () => {
  it("runs analyse → plan → answer as a workflow; history is not shadowed by {id}", async () => {
    provider.respond((call) => {
      const input = inputOf(call);
      if (input.startsWith("Analyse")) return completion("ANALYSIS");
      if (input.includes("Plan the answer")) return completion("PLAN");
      return completion("ANSWER");
    });
    const res = await api("/api/cece/cognition", { method: "POST", headers: alice.headers, json: { input: "Why?" } });
    expect(res.status).toBe(202);
    const w = (await res.json()) as Workflow;
    await using instance = await introspectWorkflowInstance(env.COGNITION_WORKFLOW, w.id);
    await instance.waitForStatus("complete");

    const got = (await (await api(`/api/cece/cognition/${w.id}`, { headers: alice.headers })).json()) as Trace;
    expect(got.output).toBe("ANSWER");
    expect(got.steps.map((s) => [s.name, s.output])).toEqual([
      ["analyse", "ANALYSIS"],
      ["plan", "PLAN"],
      ["answer", "ANSWER"],
    ]);
    const history = await api("/api/cece/cognition/history", { headers: alice.headers });
    expect(history.status).toBe(200);
    expect(((await history.json()) as Workflow[]).map((h) => h.id)).toContain(w.id);

    const health = (await (await api("/api/cece/health")).json()) as { service: string; agent_available: boolean };
    expect(health).toMatchObject({ service: "cece-ultra", agent_available: true });
    expect((await api("/api/cece/info")).status).toBe(200);
  });
});
