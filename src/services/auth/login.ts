import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { ApiError, forbidden } from "../../lib/errors.ts";
import { hashPassword, verifyPassword } from "../../lib/password.ts";
import { recordEventLater } from "../audit.ts";
import { issueDeviceToken, trustedDevice } from "./device-token.ts";
import { accountIdentity, refundAccountAttempt, reserveAccountAttempt } from "./login-throttle.ts";
import { startSession } from "./tokens.ts";
import type { AuthDeps, TokenPair } from "./types.ts";
import { identifierCondition } from "./users.ts";

/** Identifiers longer than any username or email cannot match; they still cost one dummy compare. */
const MAX_IDENTIFIER_LENGTH = 255;

/**
 * The single answer for every failed login: unknown user, wrong password, malformed credentials.
 * Same status, body (except the request id), headers and — through the dummy hash — time.
 */
export const invalidCredentials = () =>
  new ApiError(401, "invalid-credentials", "Incorrect username or password", {
    headers: { "WWW-Authenticate": 'Bearer realm="blackroad"' },
  });

/**
 * Checks credentials and starts a session. The route's IP rate limit has already run; this adds
 * the per-account throttle (after the cheap user lookup, so a username and an email of one account
 * share one budget), both before any bcrypt work. A disabled account is told so (403) only after a
 * correct password.
 *
 * `deviceToken` (see device-token.ts): a genuine token of this account, from an earlier successful
 * login on this device, moves the attempt from the account's budget to the device's own, so a
 * lock-out by strangers does not lock out the owner's known devices. Every success returns a new
 * device token.
 */
export async function login(
  deps: AuthDeps,
  identifier: string,
  password: string,
  deviceToken?: string,
): Promise<TokenPair & { deviceToken: string }> {
  const { db, redis, config, client } = deps;

  const wellFormed = identifier.trim().length > 0 && identifier.length <= MAX_IDENTIFIER_LENGTH && password.length > 0;
  const [user] = wellFormed
    ? await db
        .select({ id: users.id, hashedPassword: users.hashedPassword, isActive: users.isActive })
        .from(users)
        .where(identifierCondition(identifier))
        .limit(1)
    : [];
  const device = user ? await trustedDevice(config.SECRET_KEY, deviceToken, user.id) : null;
  const throttle = device ?? (await accountIdentity(user ? { userId: user.id } : { identifier }));
  await reserveAccountAttempt(redis, throttle);

  const check = await verifyPassword(password, user?.hashedPassword ?? null, config.BCRYPT_ROUNDS);
  if (!user || !check.ok) {
    recordEventLater(
      db,
      {
        type: "auth.login_failed",
        userId: user?.id ?? null,
        ...client,
        metadata: { reason: user ? "bad_password" : "unknown_user" },
      },
      deps.waitUntil,
    );
    throw invalidCredentials();
  }
  await refundAccountAttempt(redis, throttle);
  if (!user.isActive) {
    recordEventLater(
      db,
      { type: "auth.login_failed", userId: user.id, ...client, metadata: { reason: "inactive" } },
      deps.waitUntil,
    );
    throw forbidden("Inactive user");
  }

  // Re-hash at the configured cost when it changed since the hash was made (costs one more hash, once).
  const rehashed = check.needsRehash ? await hashPassword(password, config.BCRYPT_ROUNDS) : undefined;
  // The guard: the password checked above must still be the account's, and the account active,
  // when the session is written. A password change (or disable) that commits while bcrypt ran
  // would otherwise be outlived by this new session (ASVS 7.4.3). The UPDATE locks the user row,
  // so it also serialises with a concurrent change (see startSession).
  const { pair } = await startSession(deps, user.id, {
    guard: db
      .update(users)
      .set({ lastLogin: new Date(), ...(rehashed ? { hashedPassword: rehashed } : {}) })
      .where(and(eq(users.id, user.id), eq(users.hashedPassword, user.hashedPassword), eq(users.isActive, true)))
      .returning({ id: users.id }),
    onGuardFailed: invalidCredentials,
  });
  recordEventLater(
    db,
    {
      type: "auth.login",
      userId: user.id,
      ...client,
      metadata: { ...(rehashed ? { rehashed: true } : {}), ...(device ? { known_device: true } : {}) },
    },
    deps.waitUntil,
  );
  return { ...pair, deviceToken: await issueDeviceToken(config.SECRET_KEY, user.id) };
}
