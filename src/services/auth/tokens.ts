import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { refreshTokenFamilies, refreshTokens, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, serviceUnavailable, unauthorized } from "../../lib/errors.ts";
import { type JwtConfig, randomId, signToken, TokenError, tokenLifetime, verifyToken } from "../../lib/jwt.ts";
import { countEvent } from "../../lib/metrics/index.ts";
import type { Redis } from "../../lib/redis.ts";
import { recordEventLater } from "../audit.ts";
import { endAllSessions, endSession, openSession, SessionStoreError } from "../sessions.ts";
import type { AuthDeps, TokenPair } from "./types.ts";

/**
 * Sessions and refresh-token families (the model is Supabase Auth's rotation with reuse detection).
 *
 * - Login creates a family (its id is the session id `sid`) and its first refresh token.
 * - Refresh verifies the JWT, then, under a row lock on the family, finds the token by its SHA-256:
 *     unused             → marked used, a child token is issued (rotation);
 *     used < grace ago   → 409: a concurrent refresh just rotated it (the other caller has the pair);
 *     used earlier       → reuse: the whole family is revoked (committed), its session ended, 401.
 * - Logout / password change revoke families in Postgres first (so a refresh cannot re-open the
 *   session), then delete the Redis sessions (so access tokens die on their next request).
 */
export const REUSE_GRACE_SECONDS = 10;

export type RevokeReason =
  | "logout"
  | "logout_all"
  | "password_change"
  | "reuse_detected"
  | "account_disabled"
  | "admin";

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

async function mintPair(config: JwtConfig, userId: number, sessionId: string) {
  const subject = { userId, sessionId };
  const [access, refresh] = await Promise.all([
    signToken(config, "access", subject),
    signToken(config, "refresh", subject),
  ]);
  const pair: TokenPair = {
    access_token: access.token,
    refresh_token: refresh.token,
    token_type: "bearer",
    expires_in: tokenLifetime(config, "access"),
  };
  return { pair, refresh, refreshHash: await sha256Hex(refresh.token) };
}

const sessionStoreDown = () =>
  serviceUnavailable("Sessions cannot be stored right now; retry shortly", "session-store-unavailable");

type BatchStatement = Parameters<Database["batch"]>[0][number];

/**
 * Starts a new session for a user whose credentials were just checked: Redis session first (no
 * tokens without a stored session), then the family and its first token in one atomic batch.
 *
 * `guard` runs first in that batch: a statement that returns a row only if the credentials checked
 * are still valid (login: an UPDATE of the user row conditioned on the verified hash and
 * is_active). If it returns none, a password change or disable won the race: the family is revoked
 * again at once, the Redis session ended, and `onGuardFailed()` is thrown; no token leaves.
 * Because the guard locks the user row, a concurrent password change either commits first (the
 * guard sees the new hash) or waits for this batch (its revocation then sees this family).
 */
export async function startSession(
  deps: Pick<AuthDeps, "db" | "redis" | "config" | "client">,
  userId: number,
  opts: { guard?: BatchStatement; onGuardFailed?: () => Error } = {},
): Promise<{ pair: TokenPair; sessionId: string }> {
  const { db, redis, config, client } = deps;
  const sessionId = randomId();
  const { pair, refresh, refreshHash } = await mintPair(config, userId, sessionId);
  try {
    await openSession(redis, userId, sessionId, client);
  } catch (err) {
    if (err instanceof SessionStoreError) throw sessionStoreDown();
    throw err;
  }
  let guarded: unknown;
  try {
    const results = await db.batch([
      ...(opts.guard ? [opts.guard] : []),
      db.insert(refreshTokenFamilies).values({ id: sessionId, userId, ip: client.ip, userAgent: client.userAgent }),
      db.insert(refreshTokens).values({
        id: refresh.jti,
        familyId: sessionId,
        tokenHash: refreshHash,
        expiresAt: new Date(refresh.exp * 1000),
      }),
    ] as unknown as Parameters<Database["batch"]>[0]);
    guarded = opts.guard ? results[0] : [true];
  } catch (err) {
    await endSession(redis, userId, sessionId).catch(() => {});
    throw err;
  }
  if (!Array.isArray(guarded) || guarded.length === 0) {
    await revokeFamily(db, userId, sessionId, "password_change");
    await endSession(redis, userId, sessionId).catch(() => {});
    throw opts.onGuardFailed?.() ?? invalidRefresh();
  }
  return { pair, sessionId };
}

type RotateOutcome =
  | { kind: "ok"; userId: number; pair: TokenPair }
  | { kind: "invalid" }
  | { kind: "race" }
  | { kind: "reused"; userId: number }
  | { kind: "disabled"; userId: number };

const invalidRefresh = () =>
  unauthorized("The refresh token is invalid, expired or revoked; log in again", "invalid-refresh-token");

/** `/api/auth/refresh`: rotates `token` and returns a new pair, or throws the right problem. */
export async function refreshSession(deps: AuthDeps, token: string): Promise<TokenPair> {
  const { db, redis, config, client } = deps;
  let claims;
  try {
    claims = await verifyToken(config, "refresh", token);
  } catch (err) {
    if (err instanceof TokenError) throw invalidRefresh();
    throw err;
  }
  const { userId, sessionId, jti } = claims;
  const tokenHash = await sha256Hex(token);

  let outcome: RotateOutcome;
  try {
    outcome = await db.transaction(async (tx): Promise<RotateOutcome> => {
      // The family row lock serialises every refresh, logout and revocation of this session.
      const [family] = await tx
        .select({
          userId: refreshTokenFamilies.userId,
          revokedAt: refreshTokenFamilies.revokedAt,
          createdAt: refreshTokenFamilies.createdAt,
        })
        .from(refreshTokenFamilies)
        .where(eq(refreshTokenFamilies.id, sessionId))
        .for("update");
      if (!family || family.userId !== userId || family.revokedAt) return { kind: "invalid" };

      const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
      if (!row || row.familyId !== sessionId || row.id !== jti) return { kind: "invalid" };

      const now = new Date();
      if (row.usedAt) {
        if (now.getTime() - row.usedAt.getTime() <= REUSE_GRACE_SECONDS * 1000) return { kind: "race" };
        await tx
          .update(refreshTokenFamilies)
          .set({ revokedAt: now, revokedReason: "reuse_detected" satisfies RevokeReason })
          .where(eq(refreshTokenFamilies.id, sessionId));
        return { kind: "reused", userId };
      }
      if (row.expiresAt.getTime() <= now.getTime()) return { kind: "invalid" };

      const [user] = await tx.select({ isActive: users.isActive }).from(users).where(eq(users.id, userId)).limit(1);
      if (!user?.isActive) {
        await tx
          .update(refreshTokenFamilies)
          .set({ revokedAt: now, revokedReason: "account_disabled" satisfies RevokeReason })
          .where(eq(refreshTokenFamilies.id, sessionId));
        return { kind: "disabled", userId };
      }

      const { pair, refresh, refreshHash } = await mintPair(config, userId, sessionId);
      await tx.update(refreshTokens).set({ usedAt: now, replacedBy: refresh.jti }).where(eq(refreshTokens.id, row.id));
      await tx.insert(refreshTokens).values({
        id: refresh.jti,
        familyId: sessionId,
        tokenHash: refreshHash,
        parentId: row.id,
        expiresAt: new Date(refresh.exp * 1000),
      });
      await tx.update(refreshTokenFamilies).set({ lastUsedAt: now }).where(eq(refreshTokenFamilies.id, sessionId));
      // Still inside the transaction: if Redis is down the rotation rolls back and the client can
      // retry with the same token. Re-opens a session that idled out; keeps a live one as it is.
      await openSession(redis, userId, sessionId, client, {
        keepExisting: true,
        createdAt: Math.floor(family.createdAt.getTime() / 1000),
      });
      return { kind: "ok", userId, pair };
    });
  } catch (err) {
    if (err instanceof SessionStoreError) throw sessionStoreDown();
    throw err;
  }

  switch (outcome.kind) {
    case "ok":
      recordEventLater(
        db,
        { type: "auth.refresh", userId, ...client, metadata: { session: sessionId.slice(0, 8) } },
        deps.waitUntil,
      );
      return outcome.pair;
    case "race":
      throw conflict(
        "This refresh token was just rotated by a concurrent request; use the newest token",
        "refresh-in-progress",
      );
    case "reused":
    case "disabled":
      if (outcome.kind === "reused") countEvent("blackroad_refresh_token_reuse_total");
      await endSessionQuietly(redis, userId, sessionId);
      recordEventLater(
        db,
        {
          type: outcome.kind === "reused" ? "auth.refresh_reuse_detected" : "auth.refresh_denied",
          userId,
          ...client,
          metadata: { session: sessionId.slice(0, 8), reason: outcome.kind },
        },
        deps.waitUntil,
      );
      throw outcome.kind === "reused"
        ? unauthorized(
            "This refresh token was already used; the session has been revoked. Log in again",
            "refresh-token-reused",
          )
        : invalidRefresh();
    case "invalid":
      throw invalidRefresh();
  }
}

// The family is already revoked (a refresh cannot bring the session back); if Redis is down the
// access token lives until the session idles out or the token expires. Logged, not hidden.
async function endSessionQuietly(redis: Redis, userId: number, sessionId: string) {
  try {
    await endSession(redis, userId, sessionId);
  } catch (err) {
    console.error(
      JSON.stringify({ level: "error", msg: "could not end revoked session", user_id: userId, error: String(err) }),
    );
  }
}

/** Revokes one family (logout). Returns whether it was live. */
export async function revokeFamily(
  db: Database,
  userId: number,
  sessionId: string,
  reason: RevokeReason,
): Promise<boolean> {
  const rows = await db
    .update(refreshTokenFamilies)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(
      and(
        eq(refreshTokenFamilies.id, sessionId),
        eq(refreshTokenFamilies.userId, userId),
        isNull(refreshTokenFamilies.revokedAt),
      ),
    )
    .returning({ id: refreshTokenFamilies.id });
  return rows.length > 0;
}

/** Revokes every live family of the user, or every one but `exceptSessionId`. Returns how many. */
export function revokeFamiliesStatement(db: Database, userId: number, reason: RevokeReason, exceptSessionId?: string) {
  return db
    .update(refreshTokenFamilies)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(
      and(
        eq(refreshTokenFamilies.userId, userId),
        isNull(refreshTokenFamilies.revokedAt),
        exceptSessionId === undefined ? sql`true` : ne(refreshTokenFamilies.id, exceptSessionId),
      ),
    )
    .returning({ id: refreshTokenFamilies.id });
}

/**
 * Ends every session of a user everywhere: all families revoked, all Redis sessions deleted.
 * For account disable / admin actions (Prism) and `logout?all=true`. Throws 503 if Redis is down
 * after the families were revoked (the caller should retry; the revocation itself is kept).
 */
export async function revokeAllSessions(
  deps: Pick<AuthDeps, "db" | "redis">,
  userId: number,
  reason: RevokeReason,
  exceptSessionId?: string,
): Promise<number> {
  const revoked = await revokeFamiliesStatement(deps.db, userId, reason, exceptSessionId);
  try {
    await endAllSessions(deps.redis, userId, exceptSessionId);
  } catch (err) {
    if (err instanceof SessionStoreError) throw sessionStoreDown();
    throw err;
  }
  return revoked.length;
}
