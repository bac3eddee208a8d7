import { ApiError } from "../../lib/errors.ts";
import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import { agentsNotConfigured, runToEnd } from "../../services/agents/run.ts";
import * as store from "../../services/cognition/store.ts";
import type { AppRouteHandler } from "../../types.ts";
import { type CognitionParams, startWorkflow } from "../../workflows/cognition.contract.ts";
import { agentDeps } from "../agents/agents.handlers.ts";
import { setNextPage } from "../keyset.ts";
import { type Ctx, chainOf } from "../request-kit.ts";
import type * as routes from "./cognition.routes.ts";
import { stepJson, workflowJson } from "./cognition.schemas.ts";

export const execute: AppRouteHandler<typeof routes.execute> = async (c) => {
  const { agent, input } = c.req.valid("json");
  const run = await runToEnd(agentDeps(c), getAuth(c).userId, agent, input);
  return c.json(
    {
      agent: run.agentName,
      output: run.output ?? "",
      run_id: run.id,
      usage: {
        prompt_tokens: run.promptTokens,
        completion_tokens: run.completionTokens,
        total_tokens: run.promptTokens + run.completionTokens,
      },
    },
    200,
  );
};

/**
 * Records the workflow and starts its instance (same id). Refused before anything is written when
 * no provider is configured; a failed start leaves the row failed and answers 503.
 */
export async function launch(
  c: Ctx,
  w: Omit<CognitionParams, "workflowId" | "userId" | "chain"> & { input: store.WorkflowRow["input"] },
) {
  if (!c.var.config.OPENAI_API_KEY) throw agentsNotConfigured();
  const userId = getAuth(c).userId;
  const id = crypto.randomUUID();
  const { input, ...params } = w;
  const row = await store.createWorkflow(c.var.services.db, {
    id,
    userId,
    kind: w.kind,
    input,
    memoryKey: w.memoryKey ?? null,
  });
  try {
    await startWorkflow(c.env.COGNITION_WORKFLOW, { ...params, workflowId: id, userId, chain: chainOf(c) });
  } catch (err) {
    await store.failWorkflow(c.var.services.db, id, "the workflow could not be started");
    console.error(
      JSON.stringify({
        level: "error",
        msg: "workflow start failed",
        id,
        error: err instanceof Error ? err.message : "",
      }),
    );
    throw new ApiError(
      503,
      "workflow-unavailable",
      "The workflow engine could not start the workflow; try again shortly",
    );
  }
  return row;
}

export const createWorkflow: AppRouteHandler<typeof routes.createWorkflow> = async (c) => {
  const body = c.req.valid("json");
  const row =
    body.mode === "planner"
      ? await launch(c, {
          kind: "planner",
          goal: body.goal,
          agent: body.agent,
          memoryKey: body.memory_key,
          input: { goal: body.goal, ...(body.agent ? { agent: body.agent } : {}) },
        })
      : await launch(c, {
          kind: body.mode,
          tasks: body.tasks,
          memoryKey: body.memory_key,
          input: { tasks: body.tasks },
        });
  return c.json(workflowJson(row), 202);
};

export const listWorkflows: AppRouteHandler<typeof routes.listWorkflows> = async (c) => {
  const q = c.req.valid("query");
  const rows = await store.listWorkflows(c.var.services.db, getAuth(c).userId, q);
  setNextPage(c, rows, q.limit, (w) => encodeTimeCursor({ at: w.cursorAt, id: w.id }));
  return c.json(rows.map(workflowJson), 200);
};

async function trace(c: Ctx, id: string) {
  const { workflow, steps } = await store.workflowWithSteps(c.var.services.db, getAuth(c).userId, id);
  return { ...workflowJson(workflow), steps: steps.map(stepJson) };
}

export const getWorkflow: AppRouteHandler<typeof routes.getWorkflow> = async (c) =>
  c.json(await trace(c, c.req.valid("param").id), 200);

export const reasoningTrace: AppRouteHandler<typeof routes.reasoningTrace> = async (c) =>
  c.json(await trace(c, c.req.valid("param").id), 200);

export const activeWorkflows: AppRouteHandler<typeof routes.activeWorkflows> = async (c) => {
  const rows = await store.listWorkflows(c.var.services.db, getAuth(c).userId, { active: true, limit: 100, offset: 0 });
  return c.json(rows.map(workflowJson), 200);
};

export const cancelWorkflow: AppRouteHandler<typeof routes.cancelWorkflow> = async (c) => {
  const row = await store.cancelWorkflow(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.json(workflowJson(row), 200);
};

export const listMemory: AppRouteHandler<typeof routes.listMemory> = async (c) => {
  const rows = await store.listMemory(c.var.services.db, getAuth(c).userId);
  return c.json(
    rows.map((m) => ({ key: m.key, value: m.value, workflow_id: m.workflowId, updated_at: m.updatedAt.toISOString() })),
    200,
  );
};

export const deleteMemory: AppRouteHandler<typeof routes.deleteMemory> = async (c) => {
  await store.forget(c.var.services.db, getAuth(c).userId, c.req.valid("param").key);
  return c.body(null, 204);
};

export const health: AppRouteHandler<typeof routes.health> = async (c) => {
  const provider = Boolean(c.var.config.OPENAI_API_KEY);
  const bound = Boolean(c.env.COGNITION_WORKFLOW);
  return c.json(
    {
      status: provider && bound ? ("healthy" as const) : ("degraded" as const),
      service: "cognition",
      version: "1.0.0",
      provider_configured: provider,
      workflows_bound: bound,
      timestamp: new Date().toISOString(),
    },
    200,
  );
};
