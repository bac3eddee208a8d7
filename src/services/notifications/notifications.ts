import { and, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { notifications } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";

export type Importance = "low" | "normal" | "high";
export type NotificationRow = typeof notifications.$inferSelect;

export const notificationNotFound = () => notFound("Notification not found");

/** Mine, newest first; keyset paging by id (`before`), optionally only unread or one importance. */
export function listNotifications(
  db: Database,
  userId: number,
  q: { limit: number; before?: number; importance?: Importance; unreadOnly?: boolean },
): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        q.before === undefined ? undefined : lt(notifications.id, q.before),
        q.importance === undefined ? undefined : eq(notifications.importance, q.importance),
        q.unreadOnly ? isNull(notifications.readAt) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(q.limit);
}

export async function unreadCount(db: Database, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** What arrived after `afterId` (oldest first), and the unread count: one batch, for the live feed. */
export async function since(db: Database, userId: number, afterId: number, cap = 50) {
  const [rows, [count]] = await db.batch([
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), gt(notifications.id, afterId)))
      .orderBy(notifications.id)
      .limit(cap),
    db
      .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt))),
  ]);
  return { rows, unread: count?.n ?? 0 };
}

/** The newest id of mine (0 for none): where a new live connection starts. */
export async function newestId(db: Database, userId: number): Promise<number> {
  const [row] = await db
    .select({ id: sql<number>`coalesce(max(${notifications.id}), 0)`.mapWith(Number) })
    .from(notifications)
    .where(eq(notifications.userId, userId));
  return row?.id ?? 0;
}

export async function markRead(db: Database, userId: number, id: number): Promise<NotificationRow> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  if (!row) throw notificationNotFound();
  return row;
}

export async function markAllRead(db: Database, userId: number): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function deleteNotification(db: Database, userId: number, id: number): Promise<void> {
  const rows = await db
    .delete(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  if (rows.length === 0) throw notificationNotFound();
}

export const notificationJson = (n: NotificationRow) => ({
  id: n.id,
  type: n.type,
  title: n.title,
  body: n.body,
  importance: n.importance,
  link: n.link,
  actor_id: n.actorId,
  read: n.readAt !== null,
  read_at: n.readAt?.toISOString() ?? null,
  created_at: n.createdAt.toISOString(),
});
