/**
 * Running an agent: the model (the AI chat's OpenAI-compatible client) with the agent's
 * instructions and tools, in rounds — the model answers or asks for tool calls; each call is
 * checked, run as the caller and its result sent back — until it answers.
 *
 * Bounds: at most MAX_TOOL_CALLS calls per run (more are refused, and the last round offers no
 * tools so the model must answer), each call within TOOL_TIMEOUT_MS, results cut to
 * MAX_TOOL_RESULT_CHARS. Every tool call is audited (`agents.tool_call`, ids and outcome only).
 * The run row records input, output, the tool trace and the provider-reported token usage.
 */
import { eq } from "drizzle-orm";
import type { AppConfig } from "../../config.ts";
import { agentRuns, type ToolTraceEntry } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { ApiError } from "../../lib/errors.ts";
import {
  type Completion,
  type FetchFn,
  openStream,
  ProviderError,
  type ProviderMessage,
  type ToolCall,
  type Usage,
} from "../ai-chat/provider.ts";
import type { AuditEvent } from "../audit.ts";
import { type AgentRow, agentNotFound, findAgent } from "./registry.ts";
import { isToolName, parseArguments, TOOLS, type ToolContext, ToolRefused, toolSpecs } from "./tools.ts";

export const MAX_TOOL_CALLS = 8;
export const MAX_ROUNDS = 6;
export const TOOL_TIMEOUT_MS = 5_000;
export const MAX_TOOL_RESULT_CHARS = 8_000;
export const PROVIDER_TIMEOUT_MS = 30_000;

export type AgentDeps = {
  db: Database;
  fetch: FetchFn;
  config: Pick<AppConfig, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_MODEL">;
  chain: string;
  /** Records an audit event without delaying the run (recordEventLater in a request). */
  audit: (event: AuditEvent) => void;
  /** Marks response-cache tags stale after a tool wrote something (invalidateCache in a request). */
  invalidate: (tags: string[]) => Promise<void>;
};

export type RunRow = typeof agentRuns.$inferSelect;
export type RunEvent =
  | { type: "delta"; content: string }
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | { type: "tool_result"; id: string; name: string; ok: boolean; result?: unknown; error?: string }
  | { type: "done"; run: RunRow }
  | { type: "error"; error: ApiError; run: RunRow | undefined };

export const agentsNotConfigured = () =>
  new ApiError(
    503,
    "ai-not-configured",
    "Agents are not configured on this server (no OPENAI_API_KEY); nothing was run. Ask the operator to set OPENAI_API_KEY (and OPENAI_BASE_URL, OPENAI_MODEL).",
  );

/**
 * Checks what can refuse the run (the agent, the provider's configuration), records the run, and
 * returns its events; failures after that arrive as one final `error` event.
 */
export async function startRun(deps: AgentDeps, userId: number, agentName: string, input: string) {
  const agent = await findAgent(deps.db, userId, agentName);
  if (!agent) throw agentNotFound();
  if (!deps.config.OPENAI_API_KEY) throw agentsNotConfigured();
  const [run] = await deps.db
    .insert(agentRuns)
    .values({ userId, agentId: agent.id, agentName: agent.name, agentVersion: agent.version, input })
    .returning();
  return { run: run!, events: runEvents(deps, userId, agent, run!) };
}

/** Runs to the end and returns the finished run (workflow steps, JSON callers); throws on failure. */
export async function runToEnd(deps: AgentDeps, userId: number, agentName: string, input: string) {
  const { events } = await startRun(deps, userId, agentName, input);
  for await (const event of events) {
    if (event.type === "done") return event.run;
    if (event.type === "error") throw event.error;
  }
  throw new Error("agent run ended without a result");
}

async function* runEvents(deps: AgentDeps, userId: number, agent: AgentRow, run: RunRow): AsyncGenerator<RunEvent> {
  const settings = {
    apiKey: deps.config.OPENAI_API_KEY!,
    baseUrl: deps.config.OPENAI_BASE_URL,
    model: agent.model ?? deps.config.OPENAI_MODEL,
    timeoutMs: PROVIDER_TIMEOUT_MS,
  };
  const ctx: ToolContext = { db: deps.db, userId, chain: deps.chain };
  const specs = toolSpecs(agent.tools);
  const messages: ProviderMessage[] = [
    { role: "system", content: agent.instructions },
    { role: "user", content: run.input },
  ];
  const trace: ToolTraceEntry[] = [];
  const used: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  let model = settings.model;

  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const lastRound = round === MAX_ROUNDS - 1 || trace.length >= MAX_TOOL_CALLS;
      const upstream = await openStream(deps.fetch, settings, messages, { tools: lastRound ? [] : specs });
      let completion: Completion | undefined;
      for await (const event of upstream) {
        if (event.type === "delta") yield event;
        else completion = event.completion;
      }
      if (!completion) throw new ProviderError("malformed", "provider stream ended without a reply");
      model = completion.model;
      if (completion.usage) {
        used.prompt_tokens += completion.usage.prompt_tokens;
        used.completion_tokens += completion.usage.completion_tokens;
        used.total_tokens += completion.usage.total_tokens;
      }
      if (!completion.toolCalls.length || lastRound) {
        const done = await finish(deps.db, run.id, {
          status: "succeeded",
          output: completion.content,
          model,
          used,
          trace,
        });
        yield { type: "done", run: done };
        return;
      }
      messages.push({
        role: "assistant",
        content: completion.content || null,
        tool_calls: completion.toolCalls.map((t) => ({
          id: t.id,
          type: "function",
          function: { name: t.name, arguments: t.arguments },
        })),
      });
      for (const call of completion.toolCalls) {
        yield { type: "tool_call", id: call.id, name: call.name, arguments: call.arguments };
        const outcome = await callTool(deps, ctx, agent, run.id, call, trace.length);
        trace.push(outcome.entry);
        yield { type: "tool_result", id: call.id, name: call.name, ...outcome.reply };
        messages.push({
          role: "tool",
          tool_call_id: call.id,
          content: JSON.stringify(outcome.reply).slice(0, MAX_TOOL_RESULT_CHARS),
        });
      }
    }
  } catch (err) {
    const error = failure(err);
    const failed = await finish(deps.db, run.id, { status: "failed", error: error.detail, model, used, trace }).catch(
      () => undefined,
    );
    yield { type: "error", error, run: failed };
  }
}

type ToolOutcome = {
  entry: ToolTraceEntry;
  reply: { ok: true; result: unknown } | { ok: false; error: string };
};

/** One tool call: allowed for this agent, within the bounds, valid arguments, run as the caller. */
async function callTool(
  deps: AgentDeps,
  ctx: ToolContext,
  agent: AgentRow,
  runId: string,
  call: ToolCall,
  callsSoFar: number,
): Promise<ToolOutcome> {
  const started = Date.now();
  let reply: ToolOutcome["reply"];
  try {
    if (callsSoFar >= MAX_TOOL_CALLS) throw new ToolRefused(`the limit of ${MAX_TOOL_CALLS} tool calls is reached`);
    if (!isToolName(call.name) || !agent.tools.includes(call.name)) {
      throw new ToolRefused(`tool "${call.name.slice(0, 64)}" is not available to this agent`);
    }
    const args = parseArguments(call.name, call.arguments);
    const tool = TOOLS[call.name];
    const result = await withTimeout(tool.run(ctx, args), TOOL_TIMEOUT_MS);
    if (tool.invalidates) await deps.invalidate(tool.invalidates);
    reply = { ok: true, result };
  } catch (err) {
    reply = { ok: false, error: toolError(err) };
  }
  const ms = Date.now() - started;
  const entry: ToolTraceEntry = {
    id: call.id.slice(0, 64),
    name: call.name.slice(0, 64),
    arguments: call.arguments.slice(0, 500),
    ok: reply.ok,
    ms,
    ...(reply.ok ? {} : { error: reply.error }),
  };
  deps.audit({
    type: "agents.tool_call",
    userId: ctx.userId,
    metadata: { run_id: runId, agent: agent.name, tool: entry.name, ok: reply.ok, ms },
  });
  return { entry, reply };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ToolRefused(`the tool did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function toolError(err: unknown): string {
  if (err instanceof ToolRefused) return err.message;
  // The services' own refusals (404 for what is not the caller's, 409, 422) are the caller's rights.
  if (err instanceof ApiError && err.status < 500) return err.detail;
  console.error(
    JSON.stringify({ level: "error", msg: "agent tool failed", error: err instanceof Error ? err.name : "unknown" }),
  );
  return "the tool failed on the server";
}

async function finish(
  db: Database,
  runId: string,
  r: {
    status: "succeeded" | "failed";
    output?: string;
    error?: string;
    model: string;
    used: Usage;
    trace: ToolTraceEntry[];
  },
): Promise<RunRow> {
  const [row] = await db
    .update(agentRuns)
    .set({
      status: r.status,
      output: r.output ?? null,
      error: r.error?.slice(0, 500) ?? null,
      model: r.model.slice(0, 100),
      promptTokens: r.used.prompt_tokens,
      completionTokens: r.used.completion_tokens,
      toolCalls: r.trace,
      finishedAt: new Date(),
    })
    .where(eq(agentRuns.id, runId))
    .returning();
  return row!;
}

/** Provider failures → 502/504 problems (logged by kind and status only); anything else → 500. */
export function failure(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ProviderError) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "agent provider failure",
        kind: err.kind,
        upstream_status: err.upstreamStatus,
      }),
    );
    if (err.kind === "timeout")
      return new ApiError(
        504,
        "ai-provider-timeout",
        `The AI provider did not answer within ${PROVIDER_TIMEOUT_MS / 1000} seconds`,
      );
    if (err.kind === "network")
      return new ApiError(502, "ai-provider-unreachable", "The AI provider could not be reached");
    return new ApiError(
      502,
      "ai-provider-error",
      `The AI provider answered with an error${err.upstreamStatus ? ` (HTTP ${err.upstreamStatus})` : ""}`,
    );
  }
  console.error(
    JSON.stringify({ level: "error", msg: "agent run failed", error: err instanceof Error ? err.name : "unknown" }),
  );
  return new ApiError(500, "internal-error", "The agent run failed on the server");
}
