/**
 * Workflow rows: what the API shows of a Cloudflare Workflows instance (status, trace, result), and
 * per-user memory. Every read and change is scoped to the owner; someone else's workflow is a 404.
 */
import { and, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { type WorkflowInput, workflowMemory, workflowSteps, workflows } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { beforeTime, microsText, type TimeCursor } from "../../lib/time-cursor.ts";

export type WorkflowRow = typeof workflows.$inferSelect;
export type StepRow = typeof workflowSteps.$inferSelect;
export type WorkflowKind = "sequential" | "parallel" | "planner" | "cece";
export const ACTIVE = ["queued", "running"] as const;

export const workflowNotFound = () => notFound("Workflow not found");

export async function createWorkflow(
  db: Database,
  r: { id: string; userId: number; kind: WorkflowKind; input: WorkflowInput; memoryKey: string | null },
): Promise<WorkflowRow> {
  const [row] = await db.insert(workflows).values(r).returning();
  return row!;
}

export async function findWorkflow(db: Database, userId: number, id: string): Promise<WorkflowRow> {
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId)))
    .limit(1);
  if (!row) throw workflowNotFound();
  return row;
}

export async function workflowWithSteps(db: Database, userId: number, id: string) {
  const [[row], steps] = await db.batch([
    db
      .select()
      .from(workflows)
      .where(and(eq(workflows.id, id), eq(workflows.userId, userId)))
      .limit(1),
    db
      .select()
      .from(workflowSteps)
      .innerJoin(workflows, eq(workflows.id, workflowSteps.workflowId))
      .where(and(eq(workflowSteps.workflowId, id), eq(workflows.userId, userId)))
      .orderBy(workflowSteps.position, workflowSteps.startedAt),
  ]);
  if (!row) throw workflowNotFound();
  return { workflow: row, steps: steps.map((s) => s.workflow_steps) };
}

/**
 * My workflows, newest first, ties by id (newest first too, so one row comparison pages them):
 * `before` is a keyset cursor (the last workflow's created_at to the microsecond and its id) on
 * workflows_user_created_id_idx; `offset` the older paging. Each row carries `cursorAt`.
 */
export function listWorkflows(
  db: Database,
  userId: number,
  f: { kind?: WorkflowKind; active?: boolean; limit: number; offset: number; before?: TimeCursor },
) {
  return db
    .select({ ...getTableColumns(workflows), cursorAt: microsText(workflows.createdAt) })
    .from(workflows)
    .where(
      and(
        eq(workflows.userId, userId),
        f.kind ? eq(workflows.kind, f.kind) : undefined,
        f.active ? inArray(workflows.status, [...ACTIVE]) : undefined,
        f.before && beforeTime(workflows.createdAt, workflows.id, f.before, "uuid"),
      ),
    )
    .orderBy(desc(workflows.createdAt), desc(workflows.id))
    .limit(f.limit)
    .offset(f.offset);
}

/** Marks my active workflow cancelled (a finished one is a 409); the caller then stops the instance. */
export async function cancelWorkflow(db: Database, userId: number, id: string): Promise<WorkflowRow> {
  const [row] = await db
    .update(workflows)
    .set({ status: "cancelled", finishedAt: sql`now()`, error: "cancelled by the user" })
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId), inArray(workflows.status, [...ACTIVE])))
    .returning();
  if (row) return row;
  const existing = await findWorkflow(db, userId, id);
  throw conflict(`The workflow is already ${existing.status}`, "workflow-finished");
}

// ---- called by the workflow instance ----

export async function statusOf(db: Database, id: string): Promise<string | undefined> {
  const [row] = await db.select({ status: workflows.status }).from(workflows).where(eq(workflows.id, id));
  return row?.status;
}

export async function markRunning(db: Database, id: string): Promise<void> {
  await db
    .update(workflows)
    .set({ status: "running", startedAt: sql`coalesce(${workflows.startedAt}, now())` })
    .where(and(eq(workflows.id, id), eq(workflows.status, "queued")));
}

/** The step's row for this attempt: inserted on the first, `attempts` raised on each retry. */
export async function beginStep(
  db: Database,
  s: { workflowId: string; name: string; position: number; agent: string; input: string },
): Promise<void> {
  await db
    .insert(workflowSteps)
    .values(s)
    .onConflictDoUpdate({
      target: [workflowSteps.workflowId, workflowSteps.name],
      set: {
        attempts: sql`${workflowSteps.attempts} + 1`,
        status: "running",
        input: s.input,
        error: null,
        startedAt: sql`now()`,
      },
    });
}

export async function endStep(
  db: Database,
  workflowId: string,
  name: string,
  r:
    | { ok: true; output: string; runId: string; promptTokens: number; completionTokens: number; ms: number }
    | { ok: false; error: string; ms: number },
): Promise<void> {
  await db
    .update(workflowSteps)
    .set(
      r.ok
        ? {
            status: "succeeded",
            output: r.output,
            runId: r.runId,
            promptTokens: r.promptTokens,
            completionTokens: r.completionTokens,
            ms: r.ms,
            finishedAt: sql`now()`,
          }
        : { status: "failed", error: r.error.slice(0, 500), ms: r.ms, finishedAt: sql`now()` },
    )
    .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.name, name)));
}

/** Completes a running workflow: output, token totals summed from its steps, memory if asked. */
export async function completeWorkflow(db: Database, id: string, output: string): Promise<void> {
  const sum = (column: typeof workflowSteps.promptTokens | typeof workflowSteps.completionTokens) =>
    sql<number>`(select coalesce(sum(${column}), 0)::int from ${workflowSteps} where ${workflowSteps.workflowId} = ${id})`;
  const [row] = await db
    .update(workflows)
    .set({
      status: "complete",
      output,
      finishedAt: sql`now()`,
      promptTokens: sum(workflowSteps.promptTokens),
      completionTokens: sum(workflowSteps.completionTokens),
    })
    .where(and(eq(workflows.id, id), eq(workflows.status, "running")))
    .returning();
  if (row?.memoryKey) {
    await db
      .insert(workflowMemory)
      .values({ userId: row.userId, key: row.memoryKey, value: output, workflowId: id })
      .onConflictDoUpdate({
        target: [workflowMemory.userId, workflowMemory.key],
        set: { value: output, workflowId: id, updatedAt: sql`now()` },
      });
  }
}

export async function failWorkflow(db: Database, id: string, error: string): Promise<void> {
  await db
    .update(workflows)
    .set({ status: "failed", error: error.slice(0, 500), finishedAt: sql`now()` })
    .where(and(eq(workflows.id, id), inArray(workflows.status, [...ACTIVE])));
}

// ---- memory ----

export function listMemory(db: Database, userId: number) {
  return db
    .select()
    .from(workflowMemory)
    .where(eq(workflowMemory.userId, userId))
    .orderBy(desc(workflowMemory.updatedAt))
    .limit(100);
}

export async function recall(db: Database, userId: number, key: string): Promise<string | undefined> {
  const [row] = await db
    .select({ value: workflowMemory.value })
    .from(workflowMemory)
    .where(and(eq(workflowMemory.userId, userId), eq(workflowMemory.key, key)));
  return row?.value;
}

export async function forget(db: Database, userId: number, key: string): Promise<void> {
  const rows = await db
    .delete(workflowMemory)
    .where(and(eq(workflowMemory.userId, userId), eq(workflowMemory.key, key)))
    .returning({ key: workflowMemory.key });
  if (!rows.length) throw notFound("Memory not found");
}
