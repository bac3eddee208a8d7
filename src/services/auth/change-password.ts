import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { ApiError, serviceUnavailable, unprocessable } from "../../lib/errors.ts";
import { hashPassword, normalizePassword, verifyPassword } from "../../lib/password.ts";
import type { AuthContext } from "../../types.ts";
import { recordEventLater } from "../audit.ts";
import { endAllSessions, SessionStoreError } from "../sessions.ts";
import { accountIdentity, refundAccountAttempt, reserveAccountAttempt } from "./login-throttle.ts";
import { revokeFamiliesStatement } from "./tokens.ts";
import type { AuthDeps } from "./types.ts";

/**
 * Changes the caller's password given the current one, then ends every OTHER session and refresh
 * family of the user (ASVS 7.4.3); the session making the change stays logged in.
 * `newPassword` has passed the password policy in the route schema. Wrong current passwords
 * spend the account's login budget (login-throttle.ts), so a stolen access token cannot be used to
 * guess the password faster than the login form could.
 */
export async function changePassword(
  deps: AuthDeps,
  auth: AuthContext,
  currentPassword: string,
  newPassword: string,
): Promise<{ sessions_ended: number }> {
  const { db, redis, config, client } = deps;
  const [user] = await db
    .select({ hashedPassword: users.hashedPassword })
    .from(users)
    .where(eq(users.id, auth.userId))
    .limit(1);
  const throttle = await accountIdentity({ userId: auth.userId });
  await reserveAccountAttempt(redis, throttle);
  const check = await verifyPassword(currentPassword, user?.hashedPassword ?? null, config.BCRYPT_ROUNDS);
  if (check.ok) await refundAccountAttempt(redis, throttle);
  if (!check.ok) {
    recordEventLater(db, { type: "auth.password_change_failed", userId: auth.userId, ...client }, deps.waitUntil);
    throw new ApiError(403, "wrong-password", "The current password is incorrect");
  }
  if (normalizePassword(currentPassword) === normalizePassword(newPassword)) {
    throw unprocessable("new_password: must differ from the current password", [
      { path: "new_password", message: "must differ from the current password" },
    ]);
  }

  const hashedPassword = await hashPassword(newPassword, config.BCRYPT_ROUNDS);
  const [, revoked] = await db.batch([
    db.update(users).set({ hashedPassword, updatedAt: new Date() }).where(eq(users.id, auth.userId)),
    revokeFamiliesStatement(db, auth.userId, "password_change", auth.sessionId),
  ]);
  let ended: number;
  try {
    ended = await endAllSessions(redis, auth.userId, auth.sessionId);
  } catch (err) {
    // The password is changed and the other families are revoked; only their access tokens may
    // live on until their sessions idle out. Say so rather than pretend.
    if (err instanceof SessionStoreError)
      throw serviceUnavailable(
        "Password changed, but other sessions could not be ended yet; retry logout?all=true",
        "session-store-unavailable",
      );
    throw err;
  }
  recordEventLater(
    db,
    {
      type: "auth.password_change",
      userId: auth.userId,
      ...client,
      metadata: { families_revoked: revoked.length, sessions_ended: ended },
    },
    deps.waitUntil,
  );
  return { sessions_ended: Math.max(ended, revoked.length) };
}
