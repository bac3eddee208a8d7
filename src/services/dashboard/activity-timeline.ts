// My activity per hour (the Dashboard's chart): counts of my audit events, every hour present.
import { and, eq, gte, sql } from "drizzle-orm";
import { events } from "../../db/schema/index.ts";
import type { Queryable } from "../chain/ledger.ts";

export const MAX_TIMELINE_HOURS = 168;
const HOUR_MS = 3_600_000;

export type ActivityBucket = { hour: string; count: number };

/**
 * The last `hours` hours up to and including the current one, oldest first; hours without events
 * count 0. One grouped index range scan (events_user_created_idx): at most `hours` rows come back.
 */
export async function activityTimeline(
  db: Queryable,
  userId: number,
  hours: number,
  now = Date.now(),
): Promise<ActivityBucket[]> {
  const n = Math.min(Math.max(1, hours), MAX_TIMELINE_HOURS);
  const firstHour = Math.floor(now / HOUR_MS) - (n - 1);
  const bucket = sql<number>`floor(extract(epoch from ${events.createdAt}) / 3600)::bigint`.mapWith(Number);
  const rows = await db
    .select({ bucket, count: sql<number>`count(*)`.mapWith(Number) })
    .from(events)
    .where(and(eq(events.userId, userId), gte(events.createdAt, new Date(firstHour * HOUR_MS))))
    .groupBy(sql`1`);
  const counts = new Map(rows.map((r) => [r.bucket, r.count]));
  return Array.from({ length: n }, (_, i) => ({
    hour: new Date((firstHour + i) * HOUR_MS).toISOString(),
    count: counts.get(firstHour + i) ?? 0,
  }));
}
