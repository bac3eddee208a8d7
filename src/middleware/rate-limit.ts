import { Ratelimit } from "@upstash/ratelimit";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { ApiError, serviceUnavailable } from "../lib/errors.ts";
import { clientIp, ipIdentity } from "../lib/client-info.ts";
import type { AppBindings } from "../types.ts";

/**
 * Rate limiting for every `/api` route (@upstash/ratelimit, sliding window).
 *
 * Key: `ratelimit:{ip}:{endpoint}` (+ the library's window suffix), where `ip` is
 * `CF-Connecting-IP` (IPv6 grouped by /64; X-Forwarded-For is never read) and `endpoint` is the
 * matched route pattern (`/api/blockchain/blocks/:height`), so one client cannot multiply its
 * budget by varying path parameters. Unknown paths share the `/api/*` bucket.
 *
 * Runs before authentication, body parsing and any bcrypt/DB/DO work. One Redis call per request
 * (none while the isolate's ephemeral cache knows the caller is blocked).
 *
 * When Redis fails or is slow: routes with `failClosed` answer 503 (auth: an unthrottled login
 * endpoint is a CPU and brute-force hole); every other route is let through and a line is logged.
 *
 * Requests without a (well-formed) CF-Connecting-IP only happen off Cloudflare (local dev, tests):
 * Cloudflare's edge sets the header on every request it forwards and overwrites any value the
 * client sent. Under ENVIRONMENT=development or test they are not limited (so local tools and
 * benchmarks are not throttled); under production (also the default when ENVIRONMENT is unset)
 * they share one `unknown` bucket, so the exemption cannot be reached from the internet.
 */
export type RateLimitRule = { requests: number; window: `${number} ${"s" | "m" | "h"}`; failClosed: boolean };

/** THE table of limits. Keys are route patterns exactly as registered (Hono `:param` syntax). */
export const RATE_LIMITS: Record<string, RateLimitRule> & { default: RateLimitRule } = {
  "/api/auth/register": { requests: 5, window: "1 m", failClosed: true },
  "/api/auth/login": { requests: 10, window: "1 m", failClosed: true },
  "/api/auth/refresh": { requests: 30, window: "1 m", failClosed: true },
  "/api/auth/password": { requests: 5, window: "1 m", failClosed: true },
  // Public and costly: re-derives the whole chain (about 1 s of work per 10,000 blocks).
  "/api/blockchain/verify": { requests: 6, window: "1 m", failClosed: false },
  default: { requests: 300, window: "1 m", failClosed: false },
};

/** Give up on the limiter after this long (below the Redis client's own 1 s timeout). */
export const LIMITER_TIMEOUT_MS = 800;

// Per isolate: remembers identifiers that are blocked until their reset, so a flood from one
// client stops costing Redis calls. An optimisation only; Redis stays the source of truth.
const ephemeralCache = new Map<string, number>();

/** The route pattern this request will be handled by (first method route that matched). */
export function endpointOf(c: Context): string {
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  return route?.path ?? "/api/*";
}

export function ruleFor(endpoint: string): RateLimitRule {
  return RATE_LIMITS[endpoint] ?? RATE_LIMITS.default;
}

export const rateLimit = createMiddleware<AppBindings>(async (c, next) => {
  const config = c.var.config;
  const ip = clientIp(c.req.raw.headers);
  if (!ip && config.ENVIRONMENT !== "production") return next();

  const endpoint = endpointOf(c);
  const rule = ruleFor(endpoint);
  const identifier = `${ip ? ipIdentity(ip) : "unknown"}:${endpoint}`;
  const limiter = new Ratelimit({
    redis: c.var.services.redis,
    limiter: Ratelimit.slidingWindow(rule.requests, rule.window),
    prefix: "ratelimit",
    ephemeralCache,
    timeout: LIMITER_TIMEOUT_MS,
    analytics: false,
  });

  let result: Awaited<ReturnType<Ratelimit["limit"]>> | undefined;
  let failure: string | undefined;
  try {
    result = await limiter.limit(identifier);
    c.executionCtx.waitUntil(result.pending);
    if (result.reason === "timeout") failure = "timeout";
  } catch (err) {
    failure = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : "error";
  }

  if (failure !== undefined || !result) {
    console.error(
      JSON.stringify({
        level: rule.failClosed ? "error" : "warn",
        msg: rule.failClosed ? "rate limiter unavailable: failing closed" : "rate limiter unavailable: failing open",
        request_id: c.var.requestId,
        endpoint,
        reason: failure,
      }),
    );
    if (rule.failClosed) throw serviceUnavailable("This endpoint is temporarily unavailable; retry shortly", "rate-limiter-unavailable");
    return next();
  }

  const resetSeconds = Math.max(0, Math.ceil((result.reset - Date.now()) / 1000));
  const headers = {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(Math.max(0, result.remaining)),
    "RateLimit-Reset": String(resetSeconds),
  };
  if (!result.success) {
    throw new ApiError(429, "rate-limited", "Too many requests; slow down and retry later", {
      headers: { ...headers, "Retry-After": String(Math.max(1, resetSeconds)) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
});
