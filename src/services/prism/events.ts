// Reading the audit log (`events`): the Prism console's filtered log and a user's own activity.
import { and, desc, eq, gte, like, lt, or, type SQL, sql } from "drizzle-orm";
import { events, users } from "../../db/schema/index.ts";
import type { Queryable } from "../chain/ledger.ts";

export type EventFilter = {
  /**
   * `auth.login` matches that type exactly; a word without a dot matches an area (`auth` → every
   * `auth.*`) or an action in any area (`login` → `auth.login`), so the console's short names work.
   */
  type?: string;
  userId?: number;
  since?: Date;
};

export type EventView = {
  id: number;
  type: string;
  user_id: number | null;
  username: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
};

/** Event types are `<area>.<action>`: letters, digits, `_`, `-` and dots. */
export const EVENT_TYPE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** LIKE pattern characters in a literal. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function typeCondition(type: string): SQL {
  if (type.includes(".")) return eq(events.type, type);
  const lit = escapeLike(type);
  return or(eq(events.type, type), like(events.type, `${lit}.%`), like(events.type, `%.${lit}`))!;
}

/**
 * The filter's count as a scalar subquery, counted once whatever the page (an index-only count by
 * user or type; a window count would make the page read every matching row first).
 */
const totalOf = (where: SQL | undefined) => sql<number>`(select count(*) from ${events} where ${where ?? sql`true`})`;

/**
 * Newest first (by id: events are written as they happen), with the total that matches the filter
 * (one round trip). `before` is the keyset cursor (events_user_id_idx for a user's events, the
 * primary key otherwise); the total ignores it, so every page of a walk reports the same total.
 */
export async function listEvents(
  db: Queryable,
  filter: EventFilter,
  page: { limit: number; offset: number; before?: number },
): Promise<{ items: EventView[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.type) conditions.push(typeCondition(filter.type));
  if (filter.userId !== undefined) conditions.push(eq(events.userId, filter.userId));
  if (filter.since) conditions.push(gte(events.createdAt, filter.since));
  const where = conditions.length ? and(...conditions) : undefined;

  const rows = await db
    .select({
      id: events.id,
      type: events.type,
      userId: events.userId,
      username: users.username,
      ip: events.ip,
      userAgent: events.userAgent,
      metadata: events.metadata,
      createdAt: events.createdAt,
      total: totalOf(where).mapWith(Number),
    })
    .from(events)
    .leftJoin(users, eq(users.id, events.userId))
    .where(page.before === undefined ? where : and(where, lt(events.id, page.before)))
    .orderBy(desc(events.id))
    .limit(page.limit)
    .offset(page.offset);

  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && (page.offset > 0 || page.before !== undefined)) {
    const [c] = await db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(events)
      .where(where);
    total = c?.n ?? 0;
  }
  return {
    items: rows.map((r) => ({
      id: r.id,
      type: r.type,
      user_id: r.userId,
      username: r.username,
      ip: r.ip,
      user_agent: r.userAgent,
      metadata: r.metadata,
      created_at: r.createdAt.toISOString(),
    })),
    total,
  };
}

const ACTIVITY_TEXT: Record<string, string> = {
  "auth.register": "Created the account",
  "auth.login": "Signed in",
  "auth.login_failed": "A sign-in attempt failed",
  "auth.logout": "Signed out",
  "auth.logout_all": "Signed out everywhere",
  "auth.session_ended": "Ended a signed-in session",
  "auth.refresh": "Session renewed",
  "auth.refresh_reuse_detected": "A reused refresh token was refused; sessions were ended",
  "auth.refresh_denied": "A session renewal was refused",
  "auth.password_change": "Changed the password",
  "auth.password_change_failed": "A password change failed",
  "wallet.transfer": "Sent coins",
  "chain.block_mined": "Mined a block",
  "miner.start": "Started the miner",
  "miner.stop": "Stopped the miner",
  "miner.restart": "Restarted the miner",
  "miner.auto_stop": "The miner stopped by itself",
  "email.sent": "Sent an email",
  "social.post_created": "Published a post",
  "social.post_deleted": "Deleted a post",
  "social.commented": "Commented on a post",
  "social.followed": "Followed someone",
  "social.unfollowed": "Unfollowed someone",
  "video.uploaded": "Added a video",
  "video.deleted": "Deleted a video",
  "video.commented": "Commented on a video",
  "admin.granted": "Became an administrator",
  "admin.revoked": "Administrator rights were removed",
  "prism.job_created": "Started a Prism job",
};

/** A plain sentence for an event type; unknown types become "Area: action words". */
export function describeEvent(type: string, metadata: Record<string, unknown>): string {
  const known = ACTIVITY_TEXT[type];
  if (known) {
    const height = metadata.height;
    if (type === "chain.block_mined" && typeof height === "number") return `${known} (#${height})`;
    const amount = metadata.amount;
    if (type === "wallet.transfer" && typeof amount === "string") return `${known} (${amount})`;
    const reason = metadata.reason;
    if (type === "miner.auto_stop" && typeof reason === "string") return `${known}: ${reason}`;
    return known;
  }
  const [area, ...rest] = type.split(".");
  const action = rest.join(" ").replaceAll("_", " ");
  return action ? `${area![0]!.toUpperCase()}${area!.slice(1)}: ${action}` : type;
}
