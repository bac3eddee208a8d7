import { Ratelimit } from "@upstash/ratelimit";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { clientAddress } from "../lib/client-info.ts";
import { ApiError, serviceUnavailable } from "../lib/errors.ts";
import { type Redis, redisScript } from "../lib/redis.ts";
import { type SyncCounts, WindowCounters } from "../lib/window-counters.ts";
import type { AppBindings } from "../types.ts";

/**
 * Rate limiting for every `/api` route (@upstash/ratelimit, sliding window).
 *
 * Key: `ratelimit:{ip}:{endpoint}` (+ the library's window suffix), where `ip` is
 * `CF-Connecting-IP` (IPv6 grouped by /64; X-Forwarded-For is never read) and `endpoint` is the
 * matched route pattern (`/api/blockchain/blocks/:height`), so one client cannot multiply its
 * budget by varying path parameters. Unknown paths share the `/api/*` bucket.
 *
 * Runs before authentication, body parsing and any bcrypt/DB/DO work. Two kinds of rule:
 * - exact (auth, /verify): a sliding window counted in Redis before the request runs (one Redis
 *   call; none while the isolate's cache knows the caller is blocked);
 * - generous (everything else): fixed windows counted in the isolate and synced to Redis in
 *   background batches (ctx.waitUntil; lib/window-counters.ts), so no request waits for Redis
 *   and the isolate makes at most one call every 100 ms, however many requests it serves. The
 *   library has no such mode: even its cachedFixedWindow sends one Redis call per request.
 *
 * When Redis fails or is slow: routes with `failClosed` answer 503 (auth: an unthrottled login
 * endpoint is a CPU and brute-force hole); every other route is let through and a line is logged.
 *
 * Requests without a (well-formed) CF-Connecting-IP only happen off Cloudflare (local dev, tests):
 * Cloudflare's edge sets the header on every request it forwards and overwrites any value the
 * client sent. Under ENVIRONMENT=development or test they are not limited (so local tools and
 * benchmarks are not throttled); under production (also the default when ENVIRONMENT is unset)
 * they share one `unknown` bucket, so the exemption cannot be reached from the internet.
 * `wrangler dev` sets CF-Connecting-IP to the loopback address for every local client, so under
 * development and test a loopback IP counts as "off Cloudflare" too (several accounts from one
 * machine are not one client); production still limits it like any other IP.
 */
export type RateLimitRule = {
  requests: number;
  window: `${number} ${"s" | "m" | "h"}`;
  /** Redis unreachable: 503 (true) or let the request through (false). */
  failClosed: boolean;
  /** Counted in Redis before the request runs (true), or per isolate and synced in batches (false). */
  exact: boolean;
};

/** THE table of limits. Keys are route patterns exactly as registered (Hono `:param` syntax). */
export const RATE_LIMITS: Record<string, RateLimitRule> & { default: RateLimitRule } = {
  "/api/auth/register": { requests: 5, window: "1 m", failClosed: true, exact: true },
  "/api/auth/login": { requests: 10, window: "1 m", failClosed: true, exact: true },
  "/api/auth/token": { requests: 30, window: "1 m", failClosed: true, exact: true },
  "/api/auth/refresh": { requests: 30, window: "1 m", failClosed: true, exact: true },
  "/api/auth/password": { requests: 5, window: "1 m", failClosed: true, exact: true },
  // Public and costly: re-derives the whole chain (about 1 s of work per 10,000 blocks).
  "/api/blockchain/verify": { requests: 6, window: "1 m", failClosed: false, exact: true },
  default: { requests: 300, window: "1 m", failClosed: false, exact: false },
};

/**
 * Budgets of routes whose requests differ widely in work, charged by the handler with chargeCost
 * on top of the per-route limit above. GraphQL: the operation's cost (schema/limits.ts; at most
 * 5,000 for one request), so 20,000 a minute is four of the costliest queries, or ~60 feeds of 20.
 */
export const COST_BUDGETS = {
  graphql: { points: 20_000, window: "1 m" },
} as const satisfies Record<string, CostBudget>;

/** Give up on the limiter after this long (below the Redis client's own 1 s timeout). */
export const LIMITER_TIMEOUT_MS = 800;

/**
 * The exact limiter's per-isolate memory of blocked identifiers. Bounded: a flood of distinct
 * clients must not grow an isolate's memory without end, and forgetting is safe, since Redis stays
 * the source of truth (a forgotten client is asked about again).
 */
class BoundedCache extends Map<string, number> {
  static readonly MAX_ENTRIES = 10_000;
  override set(key: string, value: number): this {
    if (this.size >= BoundedCache.MAX_ENTRIES && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
const ephemeralCache = new BoundedCache();
const windowCounters = new WindowCounters();

const WINDOW_UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
/** Parsed windows: a handful of distinct strings, looked up on every limited request. */
const parsedWindows = new Map<string, number>();
/** A limiter window ("1 m") in milliseconds. */
export const windowMs = (window: RateLimitRule["window"]) => {
  let ms = parsedWindows.get(window);
  if (ms === undefined) {
    const [amount, unit] = window.split(" ") as [string, keyof typeof WINDOW_UNIT_MS];
    ms = Number(amount) * WINDOW_UNIT_MS[unit];
    parsedWindows.set(window, ms);
  }
  return ms;
};

// KEYS[i] gets ARGV[2i-1] added and expires at ARGV[2i] (unix ms, the end of its window).
const SYNC_WINDOW_COUNTS = `local totals = {}
for i, key in ipairs(KEYS) do
  totals[i] = redis.call('INCRBY', key, ARGV[2 * i - 1])
  redis.call('PEXPIREAT', key, ARGV[2 * i])
end
return totals`;

const syncWindowCounts = (redis: Redis, batch: Parameters<SyncCounts>[0]) =>
  redisScript<number[]>(redis, SYNC_WINDOW_COUNTS).exec(
    batch.map((b) => b.key),
    batch.flatMap((b) => [String(b.increment), String(b.expiresAtMs)]),
  );

type LimitResult = { success: boolean; limit: number; remaining: number; reset: number };

/** Decides from the isolate's counts; the sync to Redis runs in the background. */
function limitGenerously(
  c: Context<AppBindings>,
  endpoint: string,
  identifier: string,
  rule: RateLimitRule,
): LimitResult {
  const decision = windowCounters.hit(`ratelimit:${identifier}`, rule.requests, windowMs(rule.window));
  startSync(c, endpoint);
  return { success: decision.allowed, limit: decision.limit, remaining: decision.remaining, reset: decision.resetAtMs };
}

/**
 * Starts the counters' background sync when one is due. Most requests start none, and they build
 * nothing for it (no closures, no Redis client).
 */
function startSync(c: Context<AppBindings>, endpoint: string): void {
  if (!windowCounters.syncDue()) return;
  const syncing = windowCounters.sync(
    (batch) => syncWindowCounts(c.get("services").redis, batch),
    (err) => logFailure(c, endpoint, false, describe(err)),
  );
  if (syncing) c.executionCtx.waitUntil(syncing);
}

/** Counts in Redis before the request runs (@upstash/ratelimit). Undefined: Redis failed, fail open. */
async function limitExactly(
  c: Context<AppBindings>,
  endpoint: string,
  identifier: string,
  rule: RateLimitRule,
): Promise<LimitResult | undefined> {
  const limiter = new Ratelimit({
    redis: c.get("services").redis,
    limiter: Ratelimit.slidingWindow(rule.requests, rule.window),
    prefix: "ratelimit",
    ephemeralCache,
    timeout: LIMITER_TIMEOUT_MS,
    analytics: false,
  });
  let failure: string | undefined;
  try {
    const result = await limiter.limit(identifier);
    c.executionCtx.waitUntil(result.pending.catch((err: unknown) => logFailure(c, endpoint, false, describe(err))));
    if (result.reason !== "timeout") return result;
    failure = "timeout";
  } catch (err) {
    failure = describe(err);
  }
  logFailure(c, endpoint, rule.failClosed, failure);
  if (rule.failClosed)
    throw serviceUnavailable("This endpoint is temporarily unavailable; retry shortly", "rate-limiter-unavailable");
  return undefined;
}

/** Units per window that requests weighed by their cost may spend (GraphQL: docs/graphql.md). */
export type CostBudget = { points: number; window: RateLimitRule["window"] };

/**
 * Charges `cost` units to the caller's `bucket` (per IP, like every limit here, counted the
 * generous way: per isolate, synced to Redis in batches), or throws the 429 problem when the budget
 * of the window cannot cover it. Called by a handler once it knows the cost, before the work runs.
 * Exempt exactly when the per-route limiter is (no CF-Connecting-IP or loopback outside production).
 */
export function chargeCost(c: Context<AppBindings>, bucket: string, cost: number, budget: CostBudget): void {
  const client = clientAddress(c.req.raw.headers);
  if ((!client || client.loopback) && c.get("config").ENVIRONMENT !== "production") return;
  const identifier = `cost:${bucket}:${client ? client.identity : "unknown"}`;
  const decision = windowCounters.hit(`ratelimit:${identifier}`, budget.points, windowMs(budget.window), cost);
  startSync(c, bucket);
  if (decision.allowed) return;
  const reset = String(Math.max(1, Math.ceil((decision.resetAtMs - Date.now()) / 1000)));
  throw new ApiError(
    429,
    "rate-limited",
    `Too much work requested: ${bucket} allows ${budget.points} cost units per ${budget.window.replace(" ", " ")} ` +
      `from each address; this request costs ${cost} and ${decision.remaining} remain. Retry in ${reset} s`,
    {
      headers: {
        "RateLimit-Limit": String(budget.points),
        "RateLimit-Remaining": String(decision.remaining),
        "RateLimit-Reset": reset,
        "Retry-After": reset,
      },
    },
  );
}

/** The route pattern this request will be handled by (first method route that matched). */
export function endpointOf(c: Context): string {
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  return route?.path ?? "/api/*";
}

export function ruleFor(endpoint: string): RateLimitRule {
  return RATE_LIMITS[endpoint] ?? RATE_LIMITS.default;
}

export const rateLimit = createMiddleware<AppBindings>(async (c, next) => {
  const client = clientAddress(c.req.raw.headers);
  if ((!client || client.loopback) && c.get("config").ENVIRONMENT !== "production") return next();

  const endpoint = endpointOf(c);
  const rule = ruleFor(endpoint);
  const identifier = `${client ? client.identity : "unknown"}:${endpoint}`;
  const result = rule.exact
    ? await limitExactly(c, endpoint, identifier, rule)
    : limitGenerously(c, endpoint, identifier, rule);
  if (!result) return next(); // Redis failed on a fail-open route (fail-closed ones threw 503)

  const resetSeconds = Math.max(0, Math.ceil((result.reset - Date.now()) / 1000));
  const limit = String(result.limit);
  const remaining = String(Math.max(0, result.remaining));
  const reset = String(resetSeconds);
  if (!result.success) {
    throw new ApiError(429, "rate-limited", "Too many requests; slow down and retry later", {
      headers: {
        "RateLimit-Limit": limit,
        "RateLimit-Remaining": remaining,
        "RateLimit-Reset": reset,
        "Retry-After": String(Math.max(1, resetSeconds)),
      },
    });
  }
  await next();
  // A 429 from a cost budget (chargeCost) carries that budget's headers: keep them.
  if (c.res.status === 429) return;
  const headers = c.res.headers;
  headers.set("RateLimit-Limit", limit);
  headers.set("RateLimit-Remaining", remaining);
  headers.set("RateLimit-Reset", reset);
});

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : "error");

function logFailure(c: Context<AppBindings>, endpoint: string, failClosed: boolean, reason: string | undefined) {
  console.error(
    JSON.stringify({
      level: failClosed ? "error" : "warn",
      msg: failClosed ? "rate limiter unavailable: failing closed" : "rate limiter unavailable: failing open",
      request_id: c.get("requestId"),
      endpoint,
      reason,
    }),
  );
}
