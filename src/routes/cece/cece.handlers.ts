import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import { runToEnd } from "../../services/agents/run.ts";
import { CECE_STAGES, ceceInput } from "../../services/cognition/plans.ts";
import * as store from "../../services/cognition/store.ts";
import type { AppRouteHandler } from "../../types.ts";
import { AGENT_STEP } from "../../workflows/cognition.contract.ts";
import { agentDeps } from "../agents/agents.handlers.ts";
import { launch } from "../cognition/cognition.handlers.ts";
import { stepJson, workflowJson } from "../cognition/cognition.schemas.ts";
import { setNextPage } from "../keyset.ts";
import type * as routes from "./cece.routes.ts";
import { CECE_VERSION } from "./cece.schemas.ts";

export const start: AppRouteHandler<typeof routes.start> = async (c) => {
  const { input, memory_key } = c.req.valid("json");
  const row = await launch(c, { kind: "cece", goal: input, memoryKey: memory_key, input: { goal: input } });
  return c.json(workflowJson(row), 202);
};

export const history: AppRouteHandler<typeof routes.history> = async (c) => {
  const q = c.req.valid("query");
  const rows = await store.listWorkflows(c.var.services.db, getAuth(c).userId, { kind: "cece", ...q });
  setNextPage(c, rows, q.limit, (w) => encodeTimeCursor({ at: w.cursorAt, id: w.id }));
  return c.json(rows.map(workflowJson), 200);
};

export const analyze: AppRouteHandler<typeof routes.analyze> = async (c) => {
  const run = await runToEnd(
    agentDeps(c),
    getAuth(c).userId,
    "cece",
    ceceInput("analyse", c.req.valid("json").input, {}),
  );
  return c.json(
    {
      analysis: run.output ?? "",
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

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { workflow, steps } = await store.workflowWithSteps(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
  );
  if (workflow.kind !== "cece") throw store.workflowNotFound();
  return c.json({ ...workflowJson(workflow), steps: steps.map(stepJson) }, 200);
};

export const health: AppRouteHandler<typeof routes.health> = async (c) => {
  const available = Boolean(c.var.config.OPENAI_API_KEY) && Boolean(c.env.COGNITION_WORKFLOW);
  return c.json(
    {
      status: available ? ("healthy" as const) : ("degraded" as const),
      agent_available: available,
      service: "cece-ultra" as const,
      version: CECE_VERSION,
      timestamp: new Date().toISOString(),
    },
    200,
  );
};

export const info: AppRouteHandler<typeof routes.info> = async (c) =>
  c.json(
    {
      name: "Cece Ultra",
      service: "cece-ultra",
      version: CECE_VERSION,
      description:
        "A request is analysed, an approach planned and the answer written by the cece agent, each stage a durable, retried Cloudflare Workflows step; every run is stored with its stages.",
      stages: [...CECE_STAGES],
      agent: "cece",
      retries: {
        limit: AGENT_STEP.retries?.limit ?? 0,
        delay: String(AGENT_STEP.retries?.delay ?? ""),
        backoff: AGENT_STEP.retries?.backoff ?? "constant",
      },
    },
    200,
  );
