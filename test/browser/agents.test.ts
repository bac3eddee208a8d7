/**
 * The Agents window in a real browser against the real system (system.ts, started as `npm run dev`
 * starts it) whose AI provider is a fake OpenAI-compatible server on loopback (below): the agent
 * asks for get_wallet, the Worker runs it as the user, the fake answers from the tool's result, and
 * the window shows the streamed answer and the tool call. Then an error stream answered at the
 * browser's network edge shows as a failure. One registration (the API allows 5 a minute).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { openPage, screenshot } from "./browser.ts";
import { signUp, visible, win } from "./desktop.ts";
import { systemAndBrowser } from "./system.ts";

/** A chat-completions server: first a get_wallet call, then an answer quoting the tool's balance. */
const provider = createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const body = JSON.parse(raw) as {
      messages: Array<{ role: string; content: string }>;
      tools?: Array<{ function: { name: string } }>;
    };
    const tool = body.messages.find((m) => m.role === "tool");
    const walletAgent = body.tools?.some((t) => t.function.name === "get_wallet");
    const task = body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
    const message = !walletAgent
      ? { role: "assistant", content: `Done: ${task.slice(0, 40)}` } // a workflow step's agent
      : tool
        ? { role: "assistant", content: `You have ${JSON.parse(tool.content).result.balance} RC.` }
        : {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "get_wallet", arguments: "{}" } }],
          };
    res.setHeader("Content-Type", "application/json");
    res.end(
      JSON.stringify({
        model: "fake-model-1",
        choices: [{ index: 0, message, finish_reason: tool ? "stop" : "tool_calls" }],
        usage: { prompt_tokens: 30, completion_tokens: 6, total_tokens: 36 },
      }),
    );
  });
});
await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
const env = systemAndBrowser({
  OPENAI_API_KEY: "sk-browser-test-fake-0123456789",
  OPENAI_BASE_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`,
});
const run = Date.now().toString(36).slice(-5);
afterAll(() => void provider.close());

describe("Agents window", () => {
  it("lists the agents and streams an answer that used a tool, run by the Worker against a fake provider", async () => {
    const desk = await openPage(env.browser, env.system.url);
    const { page } = desk;
    try {
      const username = `agents_${run}`;
      await signUp(page, username, "correct-horse-battery");

      await page.locator("#icons").getByRole("button", { name: "Agents", exact: true }).click();
      const agents = await visible(win(page, "Agents"));
      const select = agents.getByRole("combobox", { name: "Agent" });
      await select.locator("option[value='roadchain-analyst']").waitFor({ state: "attached", timeout: 20_000 });
      await select.selectOption("roadchain-analyst");
      expect(await agents.innerText()).toContain("Tools: get_wallet, list_transactions.");

      await agents.getByRole("textbox", { name: "Input" }).fill("How much do I have?");
      await agents.getByRole("button", { name: "Run" }).click();
      const done = await visible(agents.getByRole("status").filter({ hasText: "Done" }));
      expect(await done.innerText()).toContain("72 tokens · 1 tool calls");
      const answer = await agents.getByRole("log", { name: "Output" }).innerText();
      expect(answer).toMatch(/^You have \d+(\.\d+)? RC\.$/);
      expect(await agents.getByRole("list", { name: "Tool calls" }).innerText()).toContain("get_wallet: ok");
      await screenshot(agents, "app-agents");
      // The one expected error answer: the API's 503 to the first run.
      expect(desk.problems().filter((p) => !/\b503\b.*\/api\/agents\/roadchain-analyst\/execute\b/.test(p))).toEqual(
        [],
      );
    } finally {
      await desk.close();
    }
  });
});

describe("Workflows window", () => {
  it("starts a sequential workflow, shows its steps while Cloudflare Workflows runs them, then the trace", async () => {
    const desk = await openPage(env.browser, env.system.url);
    const { page } = desk;
    try {
      const username = `flows_${run}`;
      await signUp(page, username, "correct-horse-battery");

      await page.locator("#icons").getByRole("button", { name: "Workflows", exact: true }).click();
      const flows = await visible(win(page, "Workflows"));
      await flows.getByRole("combobox", { name: "Mode" }).selectOption("sequential");
      await flows
        .getByRole("textbox", { name: "Tasks" })
        .fill("summarizer: list three facts about RoadChain\nsummarizer: shorten them");
      await flows.getByRole("button", { name: "Start" }).click();

      // Live: the steps table appears while the workflow runs; then the trace, once it is complete.
      const steps = await visible(flows.getByRole("table", { name: "Steps" }), 30_000);
      const trace = await visible(flows.getByRole("region", { name: "Reasoning trace" }), 60_000);
      expect(await steps.locator("tbody tr").count()).toBe(2);
      expect(await trace.getByRole("status").innerText()).toMatch(/^Result: Done: /);
      expect(await trace.locator("details").count()).toBe(2);
      await trace.locator("details summary").first().click();
      expect(await trace.locator("details").first().innerText()).toContain("Input: list three facts about RoadChain");
      await visible(flows.getByRole("list", { name: "Recent workflows" }).getByText("sequential"));
      await screenshot(flows, "app-workflows");
      expect(desk.problems()).toEqual([]);
    } finally {
      await desk.close();
    }
  });
});
