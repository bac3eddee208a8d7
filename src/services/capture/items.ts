import { and, count, desc, eq, ilike, inArray, lt, type SQL, sql } from "drizzle-orm";
import { captureItems } from "../../db/schema/index.ts";
import type { CaptureStatus } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";

/**
 * Capture items, each its user's (every statement filters on `user_id`: another user's item is a
 * 404). Status workflow: inbox → triaged → done; archived from anywhere; back to the inbox from
 * triaged or archived; a done item may be reopened (→ triaged). Anything else is a 409.
 */
export const TRANSITIONS: Record<CaptureStatus, CaptureStatus[]> = {
  inbox: ["triaged", "archived"],
  triaged: ["inbox", "done", "archived"],
  done: ["triaged", "archived"],
  archived: ["inbox"],
};
export const MAX_TAGS = 20;

export type ItemRow = typeof captureItems.$inferSelect;
export const itemNotFound = () => notFound("Capture item not found");
const mine = (userId: number, id: number) => and(eq(captureItems.id, id), eq(captureItems.userId, userId));

export async function createItem(
  db: Database,
  userId: number,
  input: { type: string; rawContent: string; source: string; tags: string[] },
): Promise<ItemRow> {
  const [row] = await db
    .insert(captureItems)
    .values({
      userId,
      type: input.type,
      rawContent: input.rawContent,
      source: input.source,
      tags: [...new Set(input.tags)],
    })
    .returning();
  return row!;
}

export async function getItem(db: Database, userId: number, id: number): Promise<ItemRow> {
  const [row] = await db.select().from(captureItems).where(mine(userId, id));
  if (!row) throw itemNotFound();
  return row;
}

/** `q` matches the content (case-insensitive substring; % and _ are literal). */
export async function listItems(
  db: Database,
  userId: number,
  q: { status?: string; type?: string; tag?: string; q?: string; limit: number; offset: number; before?: number },
) {
  const where: SQL[] = [eq(captureItems.userId, userId)];
  if (q.status) where.push(eq(captureItems.status, q.status));
  if (q.type) where.push(eq(captureItems.type, q.type));
  if (q.tag) where.push(sql`${captureItems.tags} @> ${JSON.stringify([q.tag])}::jsonb`);
  if (q.q) where.push(ilike(captureItems.rawContent, `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(captureItems)
      // Newest first by id (capture_items_user_id_idx): created_at is always the insert time, and the
      // id order makes `before` a keyset whose page costs the same at any depth; the total ignores it.
      .where(and(...where, q.before === undefined ? undefined : lt(captureItems.id, q.before)))
      .orderBy(desc(captureItems.id))
      .limit(q.limit)
      .offset(q.offset),
    db
      .select({ n: count() })
      .from(captureItems)
      .where(and(...where)),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function updateItem(
  db: Database,
  userId: number,
  id: number,
  patch: { type?: string; rawContent?: string; source?: string },
): Promise<ItemRow> {
  const [row] = await db
    .update(captureItems)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(mine(userId, id))
    .returning();
  if (!row) throw itemNotFound();
  return row;
}

export async function deleteItem(db: Database, userId: number, id: number): Promise<void> {
  const [row] = await db.delete(captureItems).where(mine(userId, id)).returning({ id: captureItems.id });
  if (!row) throw itemNotFound();
}

/** Adds tags (a set: duplicates are dropped); at most MAX_TAGS per item (409 beyond). */
export async function addTags(db: Database, userId: number, id: number, tags: string[]): Promise<ItemRow> {
  const item = await getItem(db, userId, id);
  const merged = [...new Set([...item.tags, ...tags])];
  if (merged.length > MAX_TAGS) throw conflict(`An item has at most ${MAX_TAGS} tags`, "too-many-tags");
  const [row] = await db
    .update(captureItems)
    .set({ tags: merged, updatedAt: sql`now()` })
    .where(mine(userId, id))
    .returning();
  if (!row) throw itemNotFound();
  return row;
}

/** Moves the item along the workflow; the check and the write are one statement (no lost race). */
export async function setStatus(db: Database, userId: number, id: number, status: CaptureStatus): Promise<ItemRow> {
  const from = (Object.keys(TRANSITIONS) as CaptureStatus[]).filter((s) => TRANSITIONS[s].includes(status));
  const [row] = await db
    .update(captureItems)
    .set({ status, updatedAt: sql`now()` })
    .where(and(mine(userId, id), inArray(captureItems.status, from)))
    .returning();
  if (row) return row;
  const item = await getItem(db, userId, id); // 404 if not mine
  throw conflict(
    `A ${item.status} item cannot become ${status}; from ${item.status} it may become ${TRANSITIONS[item.status as CaptureStatus].join(" or ")}`,
    "invalid-transition",
  );
}

/** Clusters: tags shared by at least two of my items that are not archived, with those items' ids. */
export async function clusters(db: Database, userId: number) {
  const r = await db.execute<{ tag: string; item_ids: number[] }>(sql`
    select t.tag, array_agg(i.id order by i.id) as item_ids
    from ${captureItems} i cross join lateral jsonb_array_elements_text(i.tags) as t(tag)
    where i.user_id = ${userId} and i.status <> 'archived'
    group by t.tag having count(*) >= 2
    order by count(*) desc, t.tag limit 100`);
  return r.rows.map((c) => ({ tag: c.tag, count: c.item_ids.length, item_ids: c.item_ids.map(Number) }));
}

export const itemJson = (i: ItemRow) => ({
  id: i.id,
  type: i.type,
  raw_content: i.rawContent,
  source: i.source,
  tags: i.tags,
  status: i.status as CaptureStatus,
  created_at: i.createdAt.toISOString(),
  updated_at: i.updatedAt.toISOString(),
});
export type CaptureItemView = ReturnType<typeof itemJson>;
