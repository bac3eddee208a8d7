import { Ratelimit } from "@upstash/ratelimit";
import { ApiError, serviceUnavailable } from "../../lib/errors.ts";
import type { Redis } from "../../lib/redis.ts";
import { sha256Hex } from "./tokens.ts";

/**
 * Per-account password-guess throttle (OWASP "Login Throttling": the counter is tied to the
 * account, not the IP, so rotating IPs does not buy guesses). Key:
 * `ratelimit:login-account:<account>` (+ the library's window suffix), where `<account>` is
 * `u<user id>` for an existing account — so its username and its email share one budget — and
 * `i<sha256(identifier)[0:32]>` for an identifier that matches no account (no emails in keys).
 *
 * An attempt is counted (atomically, in Redis) BEFORE any bcrypt work, and given back only when the
 * password turns out to be right. Counting after the compare would let N concurrent guesses all
 * pass the check before the first failure is recorded; reserving first caps concurrent guesses at
 * the budget too. So only failed attempts stay counted, as before.
 *
 * Lock-out abuse: anyone can spend a victim's failures, so the window is short and the lock is
 * temporary (it lifts as the window slides; an operator can clear it by deleting the key).
 * The per-IP limit on the route (middleware) bounds how fast one client can do this.
 */
export const ACCOUNT_FAILURES = 10;
export const ACCOUNT_WINDOW = "15 m";

const limiters = new WeakMap<Redis, Ratelimit>();

function limiter(redis: Redis): Ratelimit {
  let rl = limiters.get(redis);
  if (!rl) {
    rl = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(ACCOUNT_FAILURES, ACCOUNT_WINDOW),
      prefix: "ratelimit",
      analytics: false,
      ephemeralCache: false,
      timeout: 0, // no fail-open race: Redis errors and timeouts surface (the Redis client times out at 1 s)
    });
    limiters.set(redis, rl);
  }
  return rl;
}

/** The throttle identity of an account (see the file comment). */
export async function accountIdentity(account: { userId: number } | { identifier: string }): Promise<string> {
  if ("userId" in account) return `login-account:u${account.userId}`;
  return `login-account:i${(await sha256Hex(account.identifier.trim().toLowerCase())).slice(0, 32)}`;
}

/**
 * Reserves one password attempt for `identity`, before any bcrypt work: 429 when the account has
 * used its budget, 503 when that cannot be known (fail closed).
 */
export async function reserveAccountAttempt(redis: Redis, identity: string): Promise<void> {
  let result: { success: boolean; reset: number };
  try {
    result = await limiter(redis).limit(identity);
  } catch {
    throw serviceUnavailable("Login is temporarily unavailable; retry shortly", "rate-limiter-unavailable");
  }
  if (!result.success) {
    const retryAfter = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
    throw new ApiError(429, "too-many-login-failures", "Too many failed logins for this account; try again later", {
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}

/** Gives back the attempt of a correct password (errors are logged: the attempt then simply stays counted). */
export async function refundAccountAttempt(redis: Redis, identity: string): Promise<void> {
  try {
    await limiter(redis).limit(identity, { rate: -1 });
  } catch (err) {
    console.error(
      JSON.stringify({ level: "error", msg: "login attempt not refunded", error: String(err).slice(0, 200) }),
    );
  }
}
