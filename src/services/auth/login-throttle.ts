import { Ratelimit } from "@upstash/ratelimit";
import { ApiError, serviceUnavailable } from "../../lib/errors.ts";
import type { Redis } from "../../lib/redis.ts";
import { sha256Hex } from "./tokens.ts";

/**
 * Per-account login throttle (OWASP "Login Throttling": the counter is tied to the account, not
 * the IP, so rotating IPs does not buy attempts). Only FAILED logins count; the check runs before
 * any bcrypt work. Key: `ratelimit:login-account:<sha256(identifier)[0:32]>` (no emails in keys).
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

async function identity(identifier: string) {
  return `login-account:${(await sha256Hex(identifier.trim().toLowerCase())).slice(0, 32)}`;
}

/** 429 if this account has too many recent failures; 503 if that cannot be known (fail closed). */
export async function checkAccountThrottle(redis: Redis, identifier: string): Promise<void> {
  let state: { remaining: number; reset: number };
  try {
    state = await limiter(redis).getRemaining(await identity(identifier));
  } catch {
    throw serviceUnavailable("Login is temporarily unavailable; retry shortly", "rate-limiter-unavailable");
  }
  if (state.remaining <= 0) {
    const retryAfter = Math.max(1, Math.ceil((state.reset - Date.now()) / 1000));
    throw new ApiError(429, "too-many-login-failures", "Too many failed logins for this account; try again later", {
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}

/** Counts one failed login against the account (errors are logged: the IP limit still applies). */
export async function recordAccountFailure(redis: Redis, identifier: string): Promise<void> {
  try {
    await limiter(redis).limit(await identity(identifier));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "login failure not counted", error: String(err) }));
  }
}
