import { and, asc, count, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { creativeProjectAssets, creativeProjects, files, type RevenueStream } from "../../db/schema/index.ts";
import type { CreatorStatus } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { beforeTime, microsText, type TimeCursor } from "../../lib/time-cursor.ts";

/**
 * Creator Studio projects, each its user's (another user's project is a 404), with revenue streams
 * and assets that are files of the owner's own Files app (someone else's file cannot be linked: 404).
 * Status: idea → in_progress → published; archived from anywhere, and back to in_progress from
 * archived or published (a new version); an idea may also be dropped straight to archived.
 */
export const TRANSITIONS: Record<CreatorStatus, CreatorStatus[]> = {
  idea: ["in_progress", "archived"],
  in_progress: ["idea", "published", "archived"],
  published: ["in_progress", "archived"],
  archived: ["in_progress"],
};
export const MAX_ASSETS = 100;

export type ProjectRow = typeof creativeProjects.$inferSelect;
export type ProjectInput = {
  title: string;
  type: string;
  description?: string | null;
  revenueStreams: RevenueStream[];
  notes?: string | null;
};
export type AssetView = { file_id: number; name: string; content_type: string; size: number; added_at: string };

export const projectNotFound = () => notFound("Project not found");
const mine = (userId: number, id: number) => and(eq(creativeProjects.id, id), eq(creativeProjects.userId, userId));

async function assetsOf(db: Database, projectIds: number[]): Promise<Map<number, AssetView[]>> {
  const out = new Map<number, AssetView[]>();
  if (!projectIds.length) return out;
  const rows = await db
    .select({
      projectId: creativeProjectAssets.projectId,
      fileId: files.id,
      name: files.name,
      contentType: files.contentType,
      size: files.size,
      addedAt: creativeProjectAssets.addedAt,
    })
    .from(creativeProjectAssets)
    .innerJoin(files, eq(files.id, creativeProjectAssets.fileId))
    .where(inArray(creativeProjectAssets.projectId, projectIds))
    .orderBy(asc(creativeProjectAssets.addedAt), asc(files.id));
  for (const r of rows) {
    const list = out.get(r.projectId) ?? [];
    list.push({
      file_id: r.fileId,
      name: r.name,
      content_type: r.contentType,
      size: r.size,
      added_at: r.addedAt.toISOString(),
    });
    out.set(r.projectId, list);
  }
  return out;
}

export async function createProject(db: Database, userId: number, input: ProjectInput) {
  const [row] = await db
    .insert(creativeProjects)
    .values({ userId, ...input, description: input.description ?? null, notes: input.notes ?? null })
    .returning();
  return projectJson(row!, []);
}

export async function getProject(db: Database, userId: number, id: number) {
  const [row] = await db.select().from(creativeProjects).where(mine(userId, id));
  if (!row) throw projectNotFound();
  return projectJson(row, (await assetsOf(db, [row.id])).get(row.id) ?? []);
}

/**
 * My projects, last changed first (what a studio shows), ties by id: `before` is a keyset cursor
 * (the last project's updated_at to the microsecond and its id) on
 * creative_projects_user_updated_id_idx; `offset` the older paging. A project edited during a walk
 * moves to the head: it comes at most once (not again if already passed; a fresh walk shows it
 * first), every project not edited meanwhile exactly once. `last` is the page's last cursor.
 */
export async function listProjects(
  db: Database,
  userId: number,
  q: { status?: string; type?: string; limit: number; offset: number; before?: TimeCursor },
) {
  const where = and(
    eq(creativeProjects.userId, userId),
    q.status ? eq(creativeProjects.status, q.status) : undefined,
    q.type ? eq(creativeProjects.type, q.type) : undefined,
  );
  const below = q.before && beforeTime(creativeProjects.updatedAt, creativeProjects.id, q.before, "int");
  const [rows, [total]] = await db.batch([
    db
      .select({ ...getTableColumns(creativeProjects), cursorAt: microsText(creativeProjects.updatedAt) })
      .from(creativeProjects)
      .where(and(where, below))
      .orderBy(desc(creativeProjects.updatedAt), desc(creativeProjects.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(creativeProjects).where(where),
  ]);
  const assets = await assetsOf(
    db,
    rows.map((r) => r.id),
  );
  const last = rows.at(-1);
  return {
    projects: rows.map((r) => projectJson(r, assets.get(r.id) ?? [])),
    total: total?.n ?? 0,
    last: last && { at: last.cursorAt, id: String(last.id) },
  };
}

export async function updateProject(db: Database, userId: number, id: number, patch: Partial<ProjectInput>) {
  const [row] = await db
    .update(creativeProjects)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(mine(userId, id))
    .returning({ id: creativeProjects.id });
  if (!row) throw projectNotFound();
  return getProject(db, userId, id);
}

export async function deleteProject(db: Database, userId: number, id: number): Promise<void> {
  const [row] = await db.delete(creativeProjects).where(mine(userId, id)).returning({ id: creativeProjects.id });
  if (!row) throw projectNotFound();
}

export async function setStatus(db: Database, userId: number, id: number, status: CreatorStatus) {
  const from = (Object.keys(TRANSITIONS) as CreatorStatus[]).filter((s) => TRANSITIONS[s].includes(status));
  const [row] = await db
    .update(creativeProjects)
    .set({ status, updatedAt: sql`now()` })
    .where(and(mine(userId, id), inArray(creativeProjects.status, from)))
    .returning({ id: creativeProjects.id });
  if (row) return getProject(db, userId, id);
  const current = await getProject(db, userId, id);
  throw conflict(
    `A project in status ${current.status} cannot become ${status}; it may become ${TRANSITIONS[current.status].join(" or ")}`,
    "invalid-transition",
  );
}

/** Links one of my files to one of my projects (idempotent). Both must be mine: 404 otherwise. */
export async function linkAsset(db: Database, userId: number, id: number, fileId: number) {
  const r = await db.execute<{
    project_ok: boolean;
    file_ok: boolean;
    linked: number;
    full: boolean;
    already: boolean;
  }>(sql`
    with p as (select id from ${creativeProjects} where id = ${id} and user_id = ${userId}),
         f as (select id from ${files} where id = ${fileId} and user_id = ${userId}),
         n as (select count(*) as c from ${creativeProjectAssets} where project_id = ${id}),
         ins as (insert into ${creativeProjectAssets} (project_id, file_id)
                 select p.id, f.id from p, f, n where n.c < ${MAX_ASSETS}
                 on conflict do nothing returning 1)
    select exists(select 1 from p) as project_ok, exists(select 1 from f) as file_ok, (select count(*) from ins)::int as linked, (select c from n) >= ${MAX_ASSETS} as full,
           exists(select 1 from ${creativeProjectAssets} where project_id = ${id} and file_id = ${fileId}) as already`);
  const s = r.rows[0]!;
  if (!s.project_ok) throw projectNotFound();
  if (!s.file_ok) throw notFound("File not found");
  if (!s.linked && !s.already && s.full)
    throw conflict(`A project has at most ${MAX_ASSETS} assets`, "too-many-assets");
  await db.update(creativeProjects).set({ updatedAt: sql`now()` }).where(mine(userId, id));
  return getProject(db, userId, id);
}

export async function unlinkAsset(db: Database, userId: number, id: number, fileId: number): Promise<void> {
  await getProject(db, userId, id);
  const removed = await db
    .delete(creativeProjectAssets)
    .where(and(eq(creativeProjectAssets.projectId, id), eq(creativeProjectAssets.fileId, fileId)))
    .returning({ fileId: creativeProjectAssets.fileId });
  if (!removed.length) throw notFound("That file is not an asset of this project");
}

export function projectJson(p: ProjectRow, assets: AssetView[]) {
  const monthly: Record<string, number> = {};
  for (const s of p.revenueStreams)
    monthly[s.currency] = Math.round(((monthly[s.currency] ?? 0) + s.monthly_amount) * 100) / 100;
  return {
    id: p.id,
    title: p.title,
    type: p.type,
    description: p.description,
    status: p.status as CreatorStatus,
    revenue_streams: p.revenueStreams,
    monthly_revenue: monthly,
    notes: p.notes,
    assets,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
export type ProjectView = ReturnType<typeof projectJson>;
