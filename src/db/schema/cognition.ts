import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/** What a workflow was asked to do (the API's validated request). */
export type WorkflowInput = {
  tasks?: Array<{ agent: string; input: string }>;
  goal?: string;
  agent?: string;
  context?: string;
};

/**
 * Workflows of agents (sequential, parallel, planner, cece), each one Cloudflare Workflows instance
 * with the same id. The instance does the work; these rows are what the API shows: status, the
 * trace (workflow_steps) and the result. Token totals are summed from the steps when it finishes.
 */
export const workflows = pgTable(
  "workflows",
  {
    id: uuid("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: varchar("kind", { length: 16 }).notNull(),
    status: varchar("status", { length: 16 }).notNull().default("queued"),
    input: jsonb("input").$type<WorkflowInput>().notNull(),
    output: text("output"),
    error: varchar("error", { length: 500 }),
    memoryKey: varchar("memory_key", { length: 100 }),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("workflows_user_idx").on(t.userId, t.createdAt.desc()),
    // The keyset list (newest first, ties by id): src/services/cognition/store.ts listWorkflows.
    index("workflows_user_created_id_idx").on(t.userId, t.createdAt, t.id),
    index("workflows_active_idx").on(t.userId).where(sql`${t.status} in ('queued', 'running')`),
    check("workflows_kind_valid", sql`${t.kind} in ('sequential', 'parallel', 'planner', 'cece')`),
    check("workflows_status_valid", sql`${t.status} in ('queued', 'running', 'complete', 'failed', 'cancelled')`),
  ],
);

/** One step of a workflow (an agent call): the reasoning trace. `attempts` counts every try. */
export const workflowSteps = pgTable(
  "workflow_steps",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 100 }).notNull(),
    position: integer("position").notNull(),
    agent: varchar("agent", { length: 48 }).notNull(),
    input: text("input").notNull(),
    output: text("output"),
    status: varchar("status", { length: 16 }).notNull().default("running"),
    attempts: integer("attempts").notNull().default(1),
    error: varchar("error", { length: 500 }),
    runId: uuid("run_id"),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    ms: integer("ms"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.name] }),
    check("workflow_steps_status_valid", sql`${t.status} in ('running', 'succeeded', 'failed')`),
  ],
);

/** What a user's workflows stored for later runs (`remember` key → the workflow's result). */
export const workflowMemory = pgTable(
  "workflow_memory",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: varchar("key", { length: 100 }).notNull(),
    value: text("value").notNull(),
    workflowId: uuid("workflow_id").references(() => workflows.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);
