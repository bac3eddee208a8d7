import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import {
  type BrowserSettingsDoc,
  browserBookmarks,
  browserHistory,
  browserSettings,
  browserTabs,
} from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { isUniqueViolation } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { insertReturningRow } from "../../lib/insert-returning.ts";

/**
 * The browser app's per-user state: bookmarks, history (written by fetch), tabs and settings.
 * Every statement filters on `user_id`: another user's row is a 404, never visible.
 */
export const HISTORY_KEEP = 500;
export const MAX_TABS = 50;
export const MAX_BOOKMARKS = 1000;
export const DEFAULT_SETTINGS: BrowserSettingsDoc = {
  homepage: "https://blackroad.systems/",
  search_engine: "duckduckgo",
  show_images: true,
};

type Bookmark = typeof browserBookmarks.$inferSelect;
type HistoryEntry = typeof browserHistory.$inferSelect;
type Tab = typeof browserTabs.$inferSelect;

export const bookmarkJson = (b: Bookmark) => ({
  id: b.id,
  url: b.url,
  title: b.title,
  folder: b.folder,
  created_at: b.createdAt.toISOString(),
});
export const historyJson = (h: HistoryEntry) => ({
  id: h.id,
  url: h.url,
  title: h.title,
  status: h.status,
  visited_at: h.visitedAt.toISOString(),
});
export const tabJson = (t: Tab) => ({ id: t.id, url: t.url, title: t.title, position: t.position });

export async function listBookmarks(db: Database, userId: number) {
  return db
    .select()
    .from(browserBookmarks)
    .where(eq(browserBookmarks.userId, userId))
    .orderBy(desc(browserBookmarks.id));
}

/** Adds a bookmark; the same URL twice is a 409; past MAX_BOOKMARKS a 409 (a soft cap: one statement, no lock). */
export async function addBookmark(db: Database, userId: number, input: { url: string; title: string; folder: string }) {
  try {
    const row = await insertReturningRow(
      db,
      browserBookmarks,
      sql`insert into ${browserBookmarks} (user_id, url, title, folder)
        select ${userId}::int, ${input.url}::text, ${input.title}::text, ${input.folder}::text
        where (select count(*) from ${browserBookmarks} where user_id = ${userId}) < ${MAX_BOOKMARKS}`,
    );
    if (!row) throw conflict(`At most ${MAX_BOOKMARKS} bookmarks`, "bookmark-limit");
    return row;
  } catch (err) {
    if (isUniqueViolation(err, "browser_bookmarks_user_url_key")) {
      throw conflict("That URL is already bookmarked", "already-bookmarked");
    }
    throw err;
  }
}

export async function deleteBookmark(db: Database, userId: number, id: number) {
  const gone = await db
    .delete(browserBookmarks)
    .where(and(eq(browserBookmarks.id, id), eq(browserBookmarks.userId, userId)))
    .returning({ id: browserBookmarks.id });
  if (!gone.length) throw notFound("Bookmark not found");
}

/** Records a visit and keeps the newest HISTORY_KEEP entries (one batch: both or neither). */
export async function recordVisit(
  db: Database,
  userId: number,
  visit: { url: string; title: string | null; status: number },
) {
  await db.batch([
    db
      .insert(browserHistory)
      .values({ userId, url: visit.url, title: visit.title?.slice(0, 300) ?? null, status: visit.status }),
    db.execute(sql`
      delete from ${browserHistory} where user_id = ${userId} and id < (
        select id from ${browserHistory} where user_id = ${userId} order by id desc offset ${HISTORY_KEEP - 1} limit 1)`),
  ]);
}

/** Newest first; `before` is the last id of the previous page (keyset). */
export async function listHistory(db: Database, userId: number, q: { limit: number; before?: number }) {
  const where =
    q.before === undefined
      ? eq(browserHistory.userId, userId)
      : and(eq(browserHistory.userId, userId), lt(browserHistory.id, q.before));
  const rows = await db.select().from(browserHistory).where(where).orderBy(desc(browserHistory.id)).limit(q.limit);
  return { entries: rows, next_before: rows.length === q.limit ? rows.at(-1)!.id : null };
}

export async function clearHistory(db: Database, userId: number) {
  const gone = await db
    .delete(browserHistory)
    .where(eq(browserHistory.userId, userId))
    .returning({ id: browserHistory.id });
  return gone.length;
}

export async function listTabs(db: Database, userId: number) {
  return db
    .select()
    .from(browserTabs)
    .where(eq(browserTabs.userId, userId))
    .orderBy(asc(browserTabs.position), asc(browserTabs.id));
}

/** Opens a tab at the end; past MAX_TABS a 409 (soft cap, as for bookmarks). */
export async function openTab(db: Database, userId: number, input: { url: string; title: string }) {
  const row = await insertReturningRow(
    db,
    browserTabs,
    sql`insert into ${browserTabs} (user_id, url, title, position)
      select ${userId}::int, ${input.url}::text, ${input.title}::text,
        coalesce((select max(position) from ${browserTabs} where user_id = ${userId}), 0) + 1
      where (select count(*) from ${browserTabs} where user_id = ${userId}) < ${MAX_TABS}`,
  );
  if (!row) throw conflict(`At most ${MAX_TABS} open tabs`, "tab-limit");
  return row;
}

export async function updateTab(
  db: Database,
  userId: number,
  id: number,
  patch: { url?: string; title?: string; position?: number },
) {
  const [row] = await db
    .update(browserTabs)
    .set(patch)
    .where(and(eq(browserTabs.id, id), eq(browserTabs.userId, userId)))
    .returning();
  if (!row) throw notFound("Tab not found");
  return row;
}

export async function closeTab(db: Database, userId: number, id: number) {
  const gone = await db
    .delete(browserTabs)
    .where(and(eq(browserTabs.id, id), eq(browserTabs.userId, userId)))
    .returning({ id: browserTabs.id });
  if (!gone.length) throw notFound("Tab not found");
}

export async function getSettings(db: Database, userId: number): Promise<BrowserSettingsDoc> {
  const [row] = await db.select().from(browserSettings).where(eq(browserSettings.userId, userId));
  return { ...DEFAULT_SETTINGS, ...row?.settings };
}

/** Merges the given settings into the stored ones (absent keys keep their value). */
export async function updateSettings(db: Database, userId: number, patch: Partial<BrowserSettingsDoc>) {
  const [row] = await db
    .insert(browserSettings)
    .values({ userId, settings: { ...DEFAULT_SETTINGS, ...patch } })
    .onConflictDoUpdate({
      target: browserSettings.userId,
      set: { settings: sql`${browserSettings.settings} || ${JSON.stringify(patch)}::jsonb`, updatedAt: sql`now()` },
    })
    .returning();
  return { ...DEFAULT_SETTINGS, ...row!.settings };
}
