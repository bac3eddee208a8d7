import type { Context } from "hono";
import { problemBody } from "../../lib/errors.ts";
import { invalidateCache } from "../../lib/response-cache.ts";
import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import * as registry from "../../services/agents/registry.ts";
import { type AgentDeps, type RunEvent, startRun } from "../../services/agents/run.ts";
import { toolCatalogue } from "../../services/agents/tools.ts";
import { recordEventLater } from "../../services/audit.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import { eventStreamResponse, wantsEventStream } from "../event-stream.ts";
import { setNextPage } from "../keyset.ts";
import { actorOf, type Ctx, chainOf } from "../request-kit.ts";
import type * as routes from "./agents.routes.ts";
import { agentCursor, agentJson, runJson, versionJson } from "./agents.schemas.ts";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const q = c.req.valid("query");
  const { total, agents } = await registry.listAgents(c.var.services.db, getAuth(c).userId, q);
  setNextPage(c, agents, q.limit, agentCursor, "after");
  return c.json({ total, agents: agents.map(agentJson) }, 200);
};

export const categories: AppRouteHandler<typeof routes.categories> = async (c) =>
  c.json({ categories: await registry.listCategories(c.var.services.db, getAuth(c).userId) }, 200);

export const stats: AppRouteHandler<typeof routes.stats> = async (c) => {
  const { registry: r, runs } = await registry.agentStats(c.var.services.db, getAuth(c).userId);
  return c.json(
    {
      total_agents: r.total,
      builtin_agents: r.builtin,
      custom_agents: r.total - r.builtin,
      categories: r.categories,
      runs: {
        total: runs.total,
        succeeded: runs.succeeded,
        failed: runs.failed,
        prompt_tokens: runs.promptTokens,
        completion_tokens: runs.completionTokens,
        tool_calls: runs.toolCalls,
      },
    },
    200,
  );
};

export const search: AppRouteHandler<typeof routes.search> = async (c) => {
  const { q, limit } = c.req.valid("query");
  const rows = await registry.searchAgents(c.var.services.db, getAuth(c).userId, q, limit);
  return c.json({ total: rows.length, agents: rows.map(agentJson) }, 200);
};

export const tools: AppRouteHandler<typeof routes.tools> = async (c) => c.json({ tools: toolCatalogue() }, 200);

export const listRuns: AppRouteHandler<typeof routes.listRuns> = async (c) => {
  const q = c.req.valid("query");
  const rows = await registry.listRuns(c.var.services.db, getAuth(c).userId, q);
  setNextPage(c, rows, q.limit, (r) => encodeTimeCursor({ at: r.cursorAt, id: r.id }));
  return c.json(rows.map(runJson), 200);
};

export const getRun: AppRouteHandler<typeof routes.getRun> = async (c) =>
  c.json(runJson(await registry.findRun(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)), 200);

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const row = await registry.createAgent(c.var.services.db, getAuth(c).userId, c.req.valid("json"));
  return c.json(agentJson(row), 201);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const row = await registry.findAgent(c.var.services.db, getAuth(c).userId, c.req.valid("param").name);
  if (!row) throw registry.agentNotFound();
  return c.json(agentJson(row), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const row = await registry.updateAgent(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").name,
    c.req.valid("json"),
  );
  return c.json(agentJson(row), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  await registry.deleteAgent(c.var.services.db, getAuth(c).userId, c.req.valid("param").name);
  return c.body(null, 204);
};

export const versions: AppRouteHandler<typeof routes.versions> = async (c) => {
  const rows = await registry.listVersions(c.var.services.db, getAuth(c).userId, c.req.valid("param").name);
  return c.json(rows.map(versionJson), 200);
};

/** What a run needs from the request: its clients, the provider, the caller's chain, the audit log. */
export function agentDeps(c: Ctx): AgentDeps {
  const actor = actorOf(c);
  return {
    db: c.var.services.db,
    // Looked up per call (not captured at import) so the global fetch is the one in effect now.
    fetch: (input, init) => fetch(input, init),
    config: c.var.config,
    chain: chainOf(c),
    audit: (event) => recordEventLater(c.var.services.db, { ...actor, ...event }, (p) => c.executionCtx.waitUntil(p)),
    invalidate: (tags) => invalidateCache(c.var.services.redis, tags),
  };
}

export const execute: AppRouteHandler<typeof routes.execute> = async (c) => {
  const { userId } = getAuth(c);
  const { run, events } = await startRun(agentDeps(c), userId, c.req.valid("param").name, c.req.valid("json").input);
  if (!wantsEventStream(c.req.header("Accept"))) {
    for await (const event of events) {
      if (event.type === "done") return c.json(runJson(event.run), 200);
      if (event.type === "error") throw event.error;
    }
    throw new Error("agent run ended without a result");
  }
  return eventStream(c, run.id, events);
};

/** The run as SSE (run, delta, tool_call, tool_result, then done or error). */
function eventStream(c: Context<AppBindings>, runId: string, events: AsyncIterable<RunEvent>): Response {
  return eventStreamResponse(c, async (send) => {
    await send("run", { id: runId });
    for await (const event of events) {
      if (event.type === "done") await send("done", { run: runJson(event.run) });
      else if (event.type === "error")
        await send("error", problemBody(c, event.error.status, event.error.code, event.error.detail));
      else {
        const { type, ...data } = event;
        await send(type, data);
      }
    }
  });
}
