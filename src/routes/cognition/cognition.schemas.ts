import { z } from "@hono/zod-openapi";
import { timeCursorParam } from "../../lib/cursor-param.ts";
import { PaginationQuery } from "../../lib/pagination.ts";
import type { StepRow, WorkflowRow } from "../../services/cognition/store.ts";

export const MAX_TASKS = 8;
const Text = (what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(16_000, `${what} is limited to 16000 characters`);
const AgentRef = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,47}$/, "agent: an agent's name (GET /api/agents)")
  .openapi({ example: "summarizer" });
const MemoryKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "memory_key: 1–100 letters, digits, _ . : -")
  .openapi({ example: "weekly-review" });

export const WorkflowIdParams = z.object({ id: z.uuid("id must be a UUID") });
export const MemoryKeyParams = z.object({ key: MemoryKey });

export const ExecuteBody = z
  .strictObject({ agent: AgentRef.default("cece"), input: Text("input") })
  .openapi("CognitionExecute");

const Task = z.strictObject({ agent: AgentRef, input: Text("input") });

export const CreateWorkflowBody = z
  .discriminatedUnion("mode", [
    z.strictObject({
      mode: z.literal("sequential"),
      tasks: z.array(Task).min(1).max(MAX_TASKS),
      memory_key: MemoryKey.optional(),
    }),
    z.strictObject({
      mode: z.literal("parallel"),
      tasks: z.array(Task).min(1).max(MAX_TASKS),
      memory_key: MemoryKey.optional(),
    }),
    z.strictObject({
      mode: z.literal("planner"),
      goal: Text("goal"),
      agent: AgentRef.optional().openapi({ description: "Agent that does each sub-task (default cece)" }),
      memory_key: MemoryKey.optional(),
    }),
  ])
  .openapi("CreateWorkflow", {
    description:
      "sequential: each task gets the previous result; parallel: all at once; planner: the planner agent splits the goal into sub-tasks, run in parallel, then combined",
  });

export const ListWorkflowsQuery = PaginationQuery.extend({
  kind: z.enum(["sequential", "parallel", "planner", "cece"]).optional(),
  before: timeCursorParam("uuid", "workflows started before it (ties by id)"),
});

export const StepSchema = z
  .object({
    name: z.string(),
    position: z.number().int(),
    agent: z.string(),
    status: z.enum(["running", "succeeded", "failed"]),
    attempts: z.number().int(),
    input: z.string(),
    output: z.string().nullable(),
    error: z.string().nullable(),
    run_id: z.string().nullable(),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
    ms: z.number().int().nullable(),
    started_at: z.string().openapi({ format: "date-time" }),
    finished_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("WorkflowStep");

export const WorkflowSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["sequential", "parallel", "planner", "cece"]),
    status: z.enum(["queued", "running", "complete", "failed", "cancelled"]),
    input: z.record(z.string(), z.unknown()),
    output: z.string().nullable(),
    error: z.string().nullable(),
    memory_key: z.string().nullable(),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
    created_at: z.string().openapi({ format: "date-time" }),
    started_at: z.string().nullable().openapi({ format: "date-time" }),
    finished_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("Workflow");

export const WorkflowTraceSchema = WorkflowSchema.extend({ steps: z.array(StepSchema) }).openapi("WorkflowTrace");

export const MemorySchema = z
  .object({
    key: z.string(),
    value: z.string(),
    workflow_id: z.string().nullable(),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WorkflowMemory");

export const ExecuteResultSchema = z
  .object({
    agent: z.string(),
    output: z.string(),
    run_id: z.string(),
    usage: z.object({
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
    }),
  })
  .openapi("CognitionResult");

export const HealthSchema = z
  .object({
    status: z.enum(["healthy", "degraded"]),
    service: z.string(),
    version: z.string(),
    provider_configured: z.boolean(),
    workflows_bound: z.boolean(),
    timestamp: z.string().openapi({ format: "date-time" }),
  })
  .openapi("CognitionHealth");

export const workflowJson = (w: WorkflowRow): z.infer<typeof WorkflowSchema> => ({
  id: w.id,
  kind: w.kind as z.infer<typeof WorkflowSchema>["kind"],
  status: w.status as z.infer<typeof WorkflowSchema>["status"],
  input: w.input,
  output: w.output,
  error: w.error,
  memory_key: w.memoryKey,
  usage: { prompt_tokens: w.promptTokens, completion_tokens: w.completionTokens },
  created_at: w.createdAt.toISOString(),
  started_at: w.startedAt?.toISOString() ?? null,
  finished_at: w.finishedAt?.toISOString() ?? null,
});

export const stepJson = (s: StepRow): z.infer<typeof StepSchema> => ({
  name: s.name,
  position: s.position,
  agent: s.agent,
  status: s.status as z.infer<typeof StepSchema>["status"],
  attempts: s.attempts,
  input: s.input,
  output: s.output,
  error: s.error,
  run_id: s.runId,
  usage: { prompt_tokens: s.promptTokens, completion_tokens: s.completionTokens },
  ms: s.ms,
  started_at: s.startedAt.toISOString(),
  finished_at: s.finishedAt?.toISOString() ?? null,
});
