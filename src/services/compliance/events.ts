import { and, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";
import { events } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";

/**
 * The compliance log: the audit events the API already records (`events`: logins, sessions ended,
 * password changes, transfers, device tokens…) read back with filters and keyset pages (newest
 * first, `before` = the last id seen). Who sees what is decided by the caller (the route): a user
 * their own events, an administrator anyone's.
 */
export type EventFilter = { userId?: number; type?: string; from?: Date; to?: Date };
export type EventRow = typeof events.$inferSelect;

function where(f: EventFilter, before?: number): SQL | undefined {
  return and(
    f.userId === undefined ? undefined : eq(events.userId, f.userId),
    // `auth.` matches every auth event; `auth.login` exactly that type and its sub-types.
    f.type === undefined ? undefined : like(events.type, `${f.type.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
    f.from === undefined ? undefined : gte(events.createdAt, f.from),
    f.to === undefined ? undefined : lt(events.createdAt, f.to),
    before === undefined ? undefined : lt(events.id, before),
  );
}

export async function listEvents(db: Database, f: EventFilter, page: { limit: number; before?: number }) {
  const rows = await db
    .select()
    .from(events)
    .where(where(f, page.before))
    .orderBy(desc(events.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  return { rows: shown, nextBefore: more ? shown[shown.length - 1]!.id : null };
}

export const eventJson = (e: EventRow) => ({
  id: e.id,
  type: e.type,
  user_id: e.userId,
  ip: e.ip,
  user_agent: e.userAgent,
  metadata: e.metadata,
  created_at: e.createdAt.toISOString(),
});
export type ComplianceEventView = ReturnType<typeof eventJson>;

export const CSV_COLUMNS = ["id", "created_at", "type", "user_id", "ip", "user_agent", "metadata"] as const;
export const EXPORT_PAGE = 1000;
export const EXPORT_MAX_ROWS = 1_000_000;

/**
 * One CSV cell (RFC 4180 quoting). A cell starting with = + - @ or a tab/CR is prefixed with `'`,
 * so a spreadsheet never runs it as a formula (OWASP "CSV injection").
 */
export function csvCell(value: unknown): string {
  let s =
    value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The filtered log as CSV, streamed page by page (keyset on id, EXPORT_PAGE rows per query), so a
 * large range never sits in memory; pulled only as fast as the client reads.
 */
export function exportCsv(db: Database, f: EventFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let before: number | undefined;
  let sent = 0;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\r\n`));
          return;
        }
        const rows = await db.select().from(events).where(where(f, before)).orderBy(desc(events.id)).limit(EXPORT_PAGE);
        if (rows.length) {
          const text = `${rows
            .map((r) => {
              const j = eventJson(r);
              return CSV_COLUMNS.map((c) => csvCell(j[c])).join(",");
            })
            .join("\r\n")}\r\n`;
          controller.enqueue(encoder.encode(text));
          before = rows[rows.length - 1]!.id;
          sent += rows.length;
        }
        if (rows.length < EXPORT_PAGE || sent >= EXPORT_MAX_ROWS) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
