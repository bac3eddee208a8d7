import { z } from "@hono/zod-openapi";
import { cursorParam, timeCursorParam } from "../../lib/cursor-param.ts";
import { decodeNameCursor, encodeNameCursor } from "../../lib/name-cursor.ts";
import { PaginationQuery } from "../../lib/pagination.ts";
import type { AgentRow, AgentVersionRow } from "../../services/agents/registry.ts";
import type { RunRow } from "../../services/agents/run.ts";
import { TOOL_NAMES } from "../../services/agents/tools.ts";

/** Fixed paths under /api/agents: no agent may be named like one (the original's `/manifest` was shadowed). */
export const RESERVED_NAMES = [
  "categories",
  "stats",
  "search",
  "tools",
  "runs started before it (ties by id)",
  "manifest",
  "execute-plan",
];
export const MAX_INPUT_CHARS = 32_000;

const AgentName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{1,47}$/,
    "name: 2–48 characters, lower-case letters, digits and dashes, starting with a letter",
  )
  .refine((n) => !RESERVED_NAMES.includes(n), "this name is reserved")
  .openapi({ example: "trip-planner" });

export const AgentNameParams = z.object({ name: AgentName });

const Category = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, "category: up to 40 lower-case letters, digits and dashes")
  .openapi({ example: "planning" });

export const ListAgentsQuery = PaginationQuery.extend({
  category: Category.optional(),
  after: cursorParam(
    "after",
    (v) => {
      const c = decodeNameCursor(v);
      return c && /^[01]:/.test(c.name) ? { mine: c.name[0] === "1", name: c.name.slice(2), id: c.id } : null;
    },
    "Keyset cursor, opaque: the X-Next-Cursor header of the previous page; this page holds the agents after it (built-ins first, then mine, by name). Stable while agents are added or removed; prefer it to `offset`",
  ),
});
/** The cursor of an agent in the list's order (see ListAgentsQuery's `after`). */
export const agentCursor = (a: AgentRow) =>
  encodeNameCursor({ name: `${a.ownerId === null ? 0 : 1}:${a.name}`, id: a.id });
export const ListRunsQuery = PaginationQuery.extend({ before: timeCursorParam("uuid", "runs") });

export const SearchAgentsQuery = z.object({
  q: z.string().trim().min(1, "q must not be empty").max(200).openapi({ example: "review" }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const Tools = z
  .array(z.enum(TOOL_NAMES))
  .max(TOOL_NAMES.length)
  .refine((t) => new Set(t).size === t.length, "tools must not repeat")
  .openapi({ description: "Tools the agent may call (GET /api/agents/tools)", example: ["search", "list_mail"] });
const Tags = z.array(z.string().trim().min(1).max(30)).max(10);
const Description = z.string().trim().min(1, "description must not be empty").max(500);
const Instructions = z
  .string()
  .trim()
  .min(1, "instructions must not be empty")
  .max(8000)
  .openapi({ description: "The agent's system prompt" });
const Model = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .nullable()
  .openapi({ description: "Model to use; null: the server's configured model" });

export const CreateAgentBody = z
  .strictObject({
    name: AgentName,
    description: Description,
    category: Category.default("custom"),
    instructions: Instructions,
    tools: Tools.default([]),
    tags: Tags.default([]),
    model: Model.default(null),
  })
  .openapi("CreateAgent");

export const UpdateAgentBody = z
  .strictObject({
    description: Description.optional(),
    category: Category.optional(),
    instructions: Instructions.optional(),
    tools: Tools.optional(),
    tags: Tags.optional(),
    model: Model.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "give at least one field to change")
  .openapi("UpdateAgent");

export const ExecuteAgentBody = z
  .strictObject({
    input: z
      .string()
      .trim()
      .min(1, "input must not be empty")
      .max(MAX_INPUT_CHARS, `input is limited to ${MAX_INPUT_CHARS} characters`)
      .openapi({ example: "Summarise my three latest emails." }),
  })
  .openapi("ExecuteAgent");

export const AgentSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    category: z.string(),
    version: z.number().int(),
    author: z.string().openapi({ description: '"blackroad" for built-ins, "you" for your own agents' }),
    builtin: z.boolean(),
    tags: z.array(z.string()),
    tools: z.array(z.string()),
    model: z.string().nullable(),
    instructions: z.string(),
    status: z.literal("active"),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Agent");

export const AgentListSchema = z.object({ total: z.number().int(), agents: z.array(AgentSchema) }).openapi("AgentList");

export const CategoriesSchema = z
  .object({ categories: z.array(z.object({ name: z.string(), count: z.number().int() })) })
  .openapi("AgentCategories");

export const StatsSchema = z
  .object({
    total_agents: z.number().int(),
    builtin_agents: z.number().int(),
    custom_agents: z.number().int(),
    categories: z.number().int(),
    runs: z.object({
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      tool_calls: z.number().int(),
    }),
  })
  .openapi("AgentStats");

export const ToolsSchema = z
  .object({
    tools: z.array(
      z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) }),
    ),
  })
  .openapi("AgentTools");

export const AgentVersionSchema = z
  .object({
    version: z.number().int(),
    description: z.string(),
    category: z.string(),
    instructions: z.string(),
    tools: z.array(z.string()),
    tags: z.array(z.string()),
    model: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AgentVersion");

export const AgentRunSchema = z
  .object({
    id: z.string().uuid(),
    agent: z.string(),
    agent_version: z.number().int(),
    status: z.enum(["running", "succeeded", "failed"]),
    input: z.string(),
    output: z.string().nullable(),
    error: z.string().nullable(),
    model: z.string().nullable(),
    usage: z.object({
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
    }),
    tool_calls: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        arguments: z.string(),
        ok: z.boolean(),
        ms: z.number().int(),
        error: z.string().optional(),
      }),
    ),
    created_at: z.string().openapi({ format: "date-time" }),
    finished_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("AgentRun");

export const RunIdParams = z.object({ id: z.uuid("id must be a UUID") });

export const agentJson = (a: AgentRow): z.infer<typeof AgentSchema> => ({
  name: a.name,
  description: a.description,
  category: a.category,
  version: a.version,
  author: a.ownerId === null ? "blackroad" : "you",
  builtin: a.ownerId === null,
  tags: a.tags,
  tools: a.tools,
  model: a.model,
  instructions: a.instructions,
  status: "active",
  created_at: a.createdAt.toISOString(),
  updated_at: a.updatedAt.toISOString(),
});

export const versionJson = (v: AgentVersionRow): z.infer<typeof AgentVersionSchema> => ({
  version: v.version,
  description: v.description,
  category: v.category,
  instructions: v.instructions,
  tools: v.tools,
  tags: v.tags,
  model: v.model,
  created_at: v.createdAt.toISOString(),
});

export const runJson = (r: RunRow): z.infer<typeof AgentRunSchema> => ({
  id: r.id,
  agent: r.agentName,
  agent_version: r.agentVersion,
  status: r.status as "running" | "succeeded" | "failed",
  input: r.input,
  output: r.output,
  error: r.error,
  model: r.model,
  usage: {
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    total_tokens: r.promptTokens + r.completionTokens,
  },
  tool_calls: r.toolCalls,
  created_at: r.createdAt.toISOString(),
  finished_at: r.finishedAt?.toISOString() ?? null,
});
