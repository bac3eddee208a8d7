/**
 * The agent registry: built-ins (owner null) plus the caller's own agents, versioned.
 * A caller sees built-ins and their own agents only; another user's agent is "not found".
 */
import { and, asc, count, desc, eq, getTableColumns, isNull, or, type SQL, sql } from "drizzle-orm";
import { agentRuns, agents, agentVersions } from "../../db/schema/index.ts";
import { type Database, isUniqueViolation } from "../../lib/db.ts";
import { conflict, forbidden, notFound } from "../../lib/errors.ts";
import { beforeTime, microsText, type TimeCursor } from "../../lib/time-cursor.ts";
import { BUILTIN_AGENTS, BUILTIN_NAMES } from "./builtins.ts";

export type AgentRow = typeof agents.$inferSelect;
export type AgentVersionRow = typeof agentVersions.$inferSelect;
export type AgentInput = {
  name: string;
  description: string;
  category: string;
  instructions: string;
  tools: string[];
  tags: string[];
  model: string | null;
};
export type AgentPatch = Partial<Omit<AgentInput, "name">>;

export const agentNotFound = () => notFound("Agent not found");

/** Built-ins and the caller's own agents. */
const visibleTo = (userId: number): SQL => or(isNull(agents.ownerId), eq(agents.ownerId, userId))!;

let builtinsSynced: Promise<void> | undefined;

/**
 * Writes the shipped built-ins into the registry (new ones, and those whose version in code is
 * higher), once per isolate. Concurrent isolates are harmless: the upsert only changes a row whose
 * stored version is lower, and each version row is written once.
 */
export function ensureBuiltins(db: Database): Promise<void> {
  builtinsSynced ??= (async () => {
    const rows = BUILTIN_AGENTS.map((b) => ({
      ownerId: null,
      name: b.name,
      description: b.description,
      category: b.category,
      instructions: b.instructions,
      tools: b.tools,
      tags: b.tags,
      model: null,
      version: b.version,
    }));
    const changed = await db
      .insert(agents)
      .values(rows)
      .onConflictDoUpdate({
        target: [agents.ownerId, agents.name],
        set: {
          description: sql`excluded.description`,
          category: sql`excluded.category`,
          instructions: sql`excluded.instructions`,
          tools: sql`excluded.tools`,
          tags: sql`excluded.tags`,
          version: sql`excluded.version`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`${agents.version} < excluded.version`,
      })
      .returning();
    if (changed.length) await db.insert(agentVersions).values(changed.map(versionOf)).onConflictDoNothing();
  })().catch((err) => {
    builtinsSynced = undefined; // try again on the next request
    throw err;
  });
  return builtinsSynced;
}

const versionOf = (a: AgentRow) => ({
  agentId: a.id,
  version: a.version,
  description: a.description,
  category: a.category,
  instructions: a.instructions,
  tools: a.tools,
  tags: a.tags,
  model: a.model,
});

/** Where a listed agent stands: built-in (false) or mine (true), then its name, then its id. */
export type AgentPlace = { mine: boolean; name: string; id: number };

/**
 * Built-ins first, then mine, each by name (then id): `after` is a keyset cursor (the last agent's
 * place); `offset` the older paging. The visible set is the built-ins plus the caller's own agents,
 * so the page is a sort of that set (no index orders the union); the keyset keeps a walk exact
 * while agents are added or removed.
 */
export async function listAgents(
  db: Database,
  userId: number,
  filter: { category?: string; limit: number; offset: number; after?: AgentPlace },
): Promise<{ total: number; agents: AgentRow[] }> {
  await ensureBuiltins(db);
  const where = and(visibleTo(userId), filter.category ? eq(agents.category, filter.category) : undefined);
  const after =
    filter.after &&
    sql`(${agents.ownerId} is not null, ${agents.name}, ${agents.id}) > (${filter.after.mine}::boolean, ${filter.after.name}::text, ${filter.after.id}::int)`;
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(agents)
      .where(and(where, after))
      .orderBy(sql`${agents.ownerId} is not null`, asc(agents.name), asc(agents.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ n: count() }).from(agents).where(where),
  ]);
  return { total: total?.n ?? 0, agents: rows };
}

export async function listCategories(db: Database, userId: number) {
  await ensureBuiltins(db);
  return db
    .select({ name: agents.category, count: count() })
    .from(agents)
    .where(visibleTo(userId))
    .groupBy(agents.category)
    .orderBy(asc(agents.category));
}

export async function agentStats(db: Database, userId: number) {
  await ensureBuiltins(db);
  const [[registry], [runs]] = await db.batch([
    db
      .select({
        total: count(),
        builtin: sql<number>`(count(*) filter (where ${agents.ownerId} is null))::int`,
        categories: sql<number>`count(distinct ${agents.category})::int`,
      })
      .from(agents)
      .where(visibleTo(userId)),
    db
      .select({
        total: count(),
        succeeded: sql<number>`(count(*) filter (where ${agentRuns.status} = 'succeeded'))::int`,
        failed: sql<number>`(count(*) filter (where ${agentRuns.status} = 'failed'))::int`,
        promptTokens: sql<number>`coalesce(sum(${agentRuns.promptTokens}), 0)::int`,
        completionTokens: sql<number>`coalesce(sum(${agentRuns.completionTokens}), 0)::int`,
        toolCalls: sql<number>`coalesce(sum(jsonb_array_length(${agentRuns.toolCalls})), 0)::int`,
      })
      .from(agentRuns)
      .where(eq(agentRuns.userId, userId)),
  ]);
  return { registry: registry!, runs: runs! };
}

/** Name, description, category and tags containing every word of `q` (case-insensitive). */
export async function searchAgents(db: Database, userId: number, q: string, limit: number) {
  await ensureBuiltins(db);
  const words = q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  const haystack = sql`lower(${agents.name} || ' ' || ${agents.description} || ' ' || ${agents.category} || ' ' || ${agents.tags}::text)`;
  const matches = words.map((w) => sql`strpos(${haystack}, ${w}) > 0`);
  return db
    .select()
    .from(agents)
    .where(and(visibleTo(userId), ...matches))
    .orderBy(asc(agents.name))
    .limit(limit);
}

export async function findAgent(db: Database, userId: number, name: string): Promise<AgentRow | undefined> {
  await ensureBuiltins(db);
  const [row] = await db
    .select()
    .from(agents)
    .where(and(visibleTo(userId), eq(agents.name, name)))
    .limit(1);
  return row;
}

export async function createAgent(db: Database, userId: number, input: AgentInput): Promise<AgentRow> {
  if (BUILTIN_NAMES.has(input.name)) throw nameTaken(input.name);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(agents)
        .values({ ...input, ownerId: userId, version: 1 })
        .returning();
      await tx.insert(agentVersions).values(versionOf(row!));
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err, "agents_owner_name_unique")) throw nameTaken(input.name);
    throw err;
  }
}

const nameTaken = (name: string) => conflict(`An agent named "${name}" already exists`, "agent-exists");

/** The caller's own agent, for a change; a built-in is 403, someone else's (or none) 404. */
async function ownAgent(db: Database, userId: number, name: string): Promise<AgentRow> {
  const row = await findAgent(db, userId, name);
  if (!row) throw agentNotFound();
  if (row.ownerId === null) throw forbidden("Built-in agents cannot be changed; create your own agent instead");
  return row;
}

/** Applies the change as a new version (the previous versions stay readable). */
export async function updateAgent(db: Database, userId: number, name: string, patch: AgentPatch): Promise<AgentRow> {
  const current = await ownAgent(db, userId, name);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(agents)
      .set({ ...patch, version: sql`${agents.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(agents.id, current.id), eq(agents.ownerId, userId)))
      .returning();
    if (!row) throw agentNotFound();
    await tx.insert(agentVersions).values(versionOf(row));
    return row;
  });
}

export async function deleteAgent(db: Database, userId: number, name: string): Promise<void> {
  const current = await ownAgent(db, userId, name);
  await db.delete(agents).where(and(eq(agents.id, current.id), eq(agents.ownerId, userId)));
}

export async function listVersions(db: Database, userId: number, name: string): Promise<AgentVersionRow[]> {
  const row = await findAgent(db, userId, name);
  if (!row) throw agentNotFound();
  return db
    .select()
    .from(agentVersions)
    .where(eq(agentVersions.agentId, row.id))
    .orderBy(sql`${agentVersions.version} desc`);
}

/**
 * My runs, newest first, ties (runs started in one transaction share its `now()`) by id, newest
 * first too so one row comparison pages them: `before` is a keyset cursor (the last run's
 * created_at to the microsecond and its id) on agent_runs_user_created_id_idx; `offset` the older
 * paging. Each row carries `cursorAt`, its created_at as the cursor needs it.
 */
export function listRuns(db: Database, userId: number, page: { limit: number; offset: number; before?: TimeCursor }) {
  return db
    .select({ ...getTableColumns(agentRuns), cursorAt: microsText(agentRuns.createdAt) })
    .from(agentRuns)
    .where(
      and(
        eq(agentRuns.userId, userId),
        page.before && beforeTime(agentRuns.createdAt, agentRuns.id, page.before, "uuid"),
      ),
    )
    .orderBy(desc(agentRuns.createdAt), desc(agentRuns.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function findRun(db: Database, userId: number, id: string) {
  const [row] = await db
    .select()
    .from(agentRuns)
    .where(and(eq(agentRuns.id, id), eq(agentRuns.userId, userId)))
    .limit(1);
  if (!row) throw notFound("Run not found");
  return row;
}
