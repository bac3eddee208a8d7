import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/** One tool call of an agent run, as kept in the run's trace (arguments and results are truncated). */
export type ToolTraceEntry = {
  id: string;
  name: string;
  arguments: string;
  ok: boolean;
  ms: number;
  error?: string;
};

/**
 * The agent registry: built-in agents (owner null, seeded by the `agents` migration) and agents a
 * user defines (visible to that user only). A user's agent names never repeat a built-in's, so a
 * name finds at most one agent for a caller.
 */
export const agents = pgTable(
  "agents",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    ownerId: integer("owner_id").references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 48 }).notNull(),
    description: varchar("description", { length: 500 }).notNull(),
    category: varchar("category", { length: 40 }).notNull(),
    instructions: text("instructions").notNull(),
    tools: jsonb("tools").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** null: the server's configured model. */
    model: varchar("model", { length: 100 }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("agents_owner_name_unique").on(t.ownerId, t.name).nullsNotDistinct(),
    index("agents_category_idx").on(t.category),
    check("agents_version_positive", sql`${t.version} >= 1`),
  ],
);

/** Every version of an agent's definition (the current one included), so a run names what it ran. */
export const agentVersions = pgTable(
  "agent_versions",
  {
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    description: varchar("description", { length: 500 }).notNull(),
    category: varchar("category", { length: 40 }).notNull(),
    instructions: text("instructions").notNull(),
    tools: jsonb("tools").$type<string[]>().notNull(),
    tags: jsonb("tags").$type<string[]>().notNull(),
    model: varchar("model", { length: 100 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.version] })],
);

/** One execution of an agent by a user: its input, output, tool calls and token use. */
export const agentRuns = pgTable(
  "agent_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    agentId: integer("agent_id").references(() => agents.id, { onDelete: "set null" }),
    agentName: varchar("agent_name", { length: 48 }).notNull(),
    agentVersion: integer("agent_version").notNull(),
    input: text("input").notNull(),
    output: text("output"),
    status: varchar("status", { length: 16 }).notNull().default("running"),
    model: varchar("model", { length: 100 }),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    toolCalls: jsonb("tool_calls").$type<ToolTraceEntry[]>().notNull().default(sql`'[]'::jsonb`),
    error: varchar("error", { length: 500 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("agent_runs_user_idx").on(t.userId, t.createdAt.desc()),
    // The keyset list (newest first, ties by id): src/services/agents/registry.ts listRuns.
    index("agent_runs_user_created_id_idx").on(t.userId, t.createdAt, t.id),
    index("agent_runs_agent_idx").on(t.agentId),
    check("agent_runs_status_valid", sql`${t.status} in ('running', 'succeeded', 'failed')`),
  ],
);
