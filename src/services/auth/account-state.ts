import { eq, sql } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { serviceUnavailable } from "../../lib/errors.ts";
import type { Redis } from "../../lib/redis.ts";
import { type AuditActor, auditStatement } from "../audit.ts";
import { endAllSessions, SessionStoreError } from "../sessions.ts";
import { revokeFamiliesStatement } from "./tokens.ts";

/**
 * Turning an account off or on (Prism's audited admin action). The account's state lives in Postgres
 * (`users.is_active`); sessions are the per-request check (one Redis call in `requireAuth`). So
 * disabling is: the flag, every refresh family revoked and the audit row in one batch, then every
 * Redis session deleted — the next request with any of the account's access tokens is a 401, and
 * neither login (403) nor refresh (401) can start a new one.
 *
 * Races: a login or refresh in flight locks the user row / family row in Postgres (see
 * `startSession`, `refreshSession`) and opens its Redis session BEFORE it commits; this batch commits
 * after it or makes it fail, and the Redis sessions are deleted only after this batch: a session
 * opened by a racing login is deleted too.
 */
export type AccountStateChange = { active: boolean; reason: string; actor: AuditActor & { userId: number } };

export type AccountStateResult = { id: number; username: string; isActive: boolean; sessionsEnded: number } | null;

export async function setAccountActive(
  deps: { db: Database; redis: Redis },
  userId: number,
  change: AccountStateChange,
): Promise<AccountStateResult> {
  const { db, redis } = deps;
  const type = change.active ? "prism.account_enabled" : "prism.account_disabled";
  const metadata = sql`jsonb_build_object('target_user_id', ${userId}::int, 'reason', ${change.reason}::text)`;
  const updated = db
    .update(users)
    .set({ isActive: change.active, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ id: users.id, username: users.username, isActive: users.isActive });
  const audit = auditStatement(
    db,
    { ...change.actor, type, metadata },
    sql`exists (select 1 from ${users} where ${users.id} = ${userId})`,
  );
  const [rows] = change.active
    ? await db.batch([updated, audit])
    : await db.batch([updated, revokeFamiliesStatement(db, userId, "account_disabled"), audit]);
  const user = rows[0];
  if (!user) return null;
  let sessionsEnded = 0;
  if (!change.active) {
    try {
      sessionsEnded = await endAllSessions(redis, userId);
    } catch (err) {
      // The account is off and its refresh tokens revoked; only the instant end of its live access
      // tokens is missing. The admin retries (the action is idempotent).
      if (err instanceof SessionStoreError) {
        throw serviceUnavailable(
          "The account is disabled, but its sessions could not be ended yet; retry",
          "session-store-unavailable",
        );
      }
      throw err;
    }
  }
  return { ...user, sessionsEnded };
}

/**
 * Whether the account behind a token still exists and is active: asked only when an authenticated
 * request failed unexpectedly (a deleted user's writes fail on their foreign keys), never on the
 * hot path. Ends the account's sessions when it is gone or off.
 */
export async function accountUsable(deps: { db: Database; redis: Redis }, userId: number): Promise<boolean> {
  const [row] = await deps.db.select({ isActive: users.isActive }).from(users).where(eq(users.id, userId)).limit(1);
  if (row?.isActive) return true;
  await endAllSessions(deps.redis, userId).catch(() => {});
  return false;
}
