/**
 * Response cache for expensive GETs, over Upstash Redis (seed key: `api:cache:{endpoint}:{params_hash}`).
 *
 * Usage — in a handler, AFTER validation, with the values the handler actually queries with:
 *
 *   return cachedJson(c, {
 *     endpoint: "/api/video",                  // a key of CACHE_POLICIES: TTL, datasets, per-user or public
 *     params: query,                           // the parsed query/params (never the raw URL)
 *     userId: c.var.auth?.userId ?? null,      // required by per-user policies (null = anonymous)
 *     load: () => listVideos(db, query, me),   // runs on a miss; throw to answer an error (never cached)
 *   });
 *
 * and after a successful write, bump the data sets it changed, BEFORE the write's response goes out:
 *   await invalidateCache(c.var.services.redis, ["video"]);     // or mount invalidateOnWrite(["video"])
 *
 * How invalidation works. Each data set has a version token at `api:cache:version:{dataset}` (a random
 * value, replaced by every write). A cache entry records the tokens that were current when its data
 * was loaded, and is a hit only if they are all still current. A hit therefore needs the entry AND
 * the current tokens: one `MGET entry version…` answers both, so a hit is exactly ONE Redis call.
 * (Folding the version into the key instead would need the version first: two calls per hit.)
 *
 * Why this is never stale after a write: writers bump AFTER their database commit; readers read the
 * tokens BEFORE loading. A load that overlaps a write is stored under the pre-write token, which the
 * bump has already replaced, so it is never served. Tokens are random (not counters) so an evicted or
 * expired version key can never come back to a value an old entry carries; a missing token is first
 * created with SET NX (on the miss path only) and never matches anything.
 *
 * Failure policy: any Redis error is a miss (served from the origin, logged), never an error.
 * Only 200 JSON bodies are cached; a `load` that throws caches nothing, nor does an answer that
 * `cacheable` refuses (one that reports a dependency as down).
 */

import canonicalize from "canonicalize";
import type { Context, TypedResponse } from "hono";
import { createMiddleware } from "hono/factory";
import type { JSONParsed } from "hono/utils/types";
import type { AppBindings } from "../types.ts";
import { countEvent } from "./metrics/record.ts";
import type { Redis } from "./redis.ts";

const MINUTE = 60;

type CachePolicy = {
  /** Seconds; the seed allows 5–60 minutes. */
  readonly ttl: number;
  /** The response depends on the caller (e.g. `is_liked`): the user id joins the params hash. */
  readonly perUser: boolean;
  /** Data sets whose writes change the response. */
  readonly datasets: (userId: number | null) => readonly string[];
};

/**
 * Every cached endpoint, its TTL and what invalidates it: the ONE table. Keys are canonical route
 * patterns, so aliases (`/api/videos`) share entries with their canonical path.
 */
export const CACHE_POLICIES = {
  // RoadChain public reads: change only when a block or transaction lands (the chain bumps "chain").
  "/api/blockchain/stats": { ttl: 5 * MINUTE, perUser: false, datasets: () => ["chain"] },
  "/api/blockchain/blocks": { ttl: 10 * MINUTE, perUser: false, datasets: () => ["chain"] },
  // Social feed: per user because of `is_liked` and follows; any post/like/comment/follow bumps "social".
  "/api/social/feed": { ttl: 5 * MINUTE, perUser: true, datasets: () => ["social"] },
  // Video lists: per user because of `is_liked`; uploads, edits, likes, comments and counted views bump "video".
  "/api/video": { ttl: 10 * MINUTE, perUser: true, datasets: () => ["video"] },
  // GraphQL queries of anonymous callers (public data only: blocks, transactions, the public feed);
  // key = the printed document, variables and chain. GraphQL's own writes bump "chain"/"social" too.
  "/api/graphql": { ttl: 5 * MINUTE, perUser: false, datasets: () => ["chain", "social"] },
  // Dashboard overview: one user's cards across every app ("mail:{id}" is bumped by RoadMail for each party).
  "/api/dashboard/overview": {
    ttl: 5 * MINUTE,
    perUser: true,
    datasets: (userId) => ["chain", "social", "video", `mail:${userId}`, `ai:${userId}`, `miner:${userId}`],
  },
} as const satisfies Record<string, CachePolicy>;

export type CachedEndpoint = keyof typeof CACHE_POLICIES;

/** Bodies above this are served but not stored (lists are capped at 100 items, so this is a guard). */
const MAX_ENTRY_BYTES = 512 * 1024;
const KEY_PREFIX = "api:cache:";
/**
 * Version tokens expire too (Redis must not grow with the number of users), but always after every
 * entry stored under them: each entry write pushes its tokens' expiry to this, which is longer than
 * any policy's TTL. A token that expires anyway is only a miss: a new random token matches nothing.
 */
export const VERSION_TTL_SECONDS = 60 * MINUTE;
export const versionKey = (dataset: string) => `${KEY_PREFIX}version:${dataset}`;

/** What Redis holds: the data-set tokens it was loaded under, its ETag and the JSON body as text. */
type Entry = { v: string[]; e: string; h: Record<string, string>; b: string };

/**
 * An entry as one string: `c1`, the tokens (space-separated), the ETag and the body, on lines of
 * their own (tokens and ETags never contain a newline or a space). Not JSON: the body is JSON text
 * already, and wrapping it again escaped every quote on write and unescaped it on every hit.
 */
const ENTRY_FORMAT = "c2";
// c2: a line of response headers (JSON, no newline) between the ETag and the body.
const serializeEntry = (e: Entry) => `${ENTRY_FORMAT}\n${e.v.join(" ")}\n${e.e}\n${JSON.stringify(e.h)}\n${e.b}`;

function parseEntry(raw: string): Entry | undefined {
  const tokensEnd = raw.indexOf("\n", ENTRY_FORMAT.length + 1);
  const etagEnd = tokensEnd < 0 ? -1 : raw.indexOf("\n", tokensEnd + 1);
  const headersEnd = etagEnd < 0 ? -1 : raw.indexOf("\n", etagEnd + 1);
  // Anything else (an older format, a truncated value) is a miss, and the miss overwrites it.
  if (!raw.startsWith(`${ENTRY_FORMAT}\n`) || headersEnd < 0) return undefined;
  const tokens = raw.slice(ENTRY_FORMAT.length + 1, tokensEnd);
  let h: Record<string, string>;
  try {
    h = JSON.parse(raw.slice(etagEnd + 1, headersEnd));
  } catch {
    return undefined;
  }
  return { v: tokens ? tokens.split(" ") : [], e: raw.slice(tokensEnd + 1, etagEnd), h, b: raw.slice(headersEnd + 1) };
}

export type CachedJsonOptions<T> = {
  endpoint: CachedEndpoint;
  params: Record<string, unknown>;
  /** The caller; required for per-user policies (null = anonymous), ignored for public ones. */
  userId?: number | null;
  load: () => Promise<T>;
  /**
   * False: serve this answer but do not store it — one built while a dependency was down would
   * otherwise be replayed for the whole TTL after it recovered. Default: store.
   */
  cacheable?: (value: T) => boolean;
  /** Response headers derived from the answer (a next-page cursor), stored and replayed with it. */
  headers?: (value: T) => Record<string, string>;
};

// Hot keys (the same page asked for again and again) skip the SHA-256 and its hex formatting.
const MAX_RECENT_KEYS = 1_000;
const recentKeys = new Map<string, string>();

/** `api:cache:{endpoint}:{sha256(canonical JSON of params + user)}`; equal parsed params → one key. */
export async function cacheKey(endpoint: CachedEndpoint, params: Record<string, unknown>, userId?: number | null) {
  const canonical = canonicalize({ params, user: userId ?? null }) ?? "null";
  const memo = `${endpoint}\n${canonical}`;
  let key = recentKeys.get(memo);
  if (key === undefined) {
    key = `${KEY_PREFIX}${endpoint}:${await sha256Hex(canonical)}`;
    if (recentKeys.size >= MAX_RECENT_KEYS) recentKeys.clear(); // bounded; forgetting only costs a hash
    recentKeys.set(memo, key);
  }
  return key;
}

/**
 * Answers a GET from the cache or from `load`, with `X-Cache: HIT|MISS`, an `ETag` and a 304 for a
 * matching `If-None-Match`. Typed like `c.json(data, 200)` so OpenAPI handlers can return it.
 */
export async function cachedJson<T>(
  c: Context<AppBindings>,
  opts: CachedJsonOptions<T>,
): Promise<Response & TypedResponse<JSONParsed<T>, 200, "json">> {
  const policy: CachePolicy = CACHE_POLICIES[opts.endpoint];
  if (policy.perUser && opts.userId === undefined) {
    throw new Error(`cachedJson(${opts.endpoint}): this endpoint is cached per user, pass userId`);
  }
  const userId = policy.perUser ? (opts.userId ?? null) : null;
  const versionKeys = policy.datasets(userId).map(versionKey);
  const key = await cacheKey(opts.endpoint, opts.params, userId);
  const redis = c.get("services").redis;

  // Tokens as read BEFORE loading; undefined when Redis failed (then nothing is stored).
  let versions: string[] | undefined;
  try {
    const [raw, ...current] = await redis.mget<(string | null)[]>(key, ...versionKeys);
    const entry = raw ? parseEntry(raw) : undefined;
    if (entry && current.every((v, i) => v !== null && v === entry.v[i]) && entry.v.length === current.length) {
      return respond(c, policy, entry.b, entry.e, "HIT", entry.h);
    }
    versions = current.includes(null) ? await initVersions(redis, versionKeys, current) : (current as string[]);
  } catch (err) {
    logCacheFailure(c, "read", err);
  }

  const value = await opts.load();
  const body = JSON.stringify(value);
  const etag = await etagOf(body);
  const headers = opts.headers?.(value) ?? {};
  if (versions && body.length <= MAX_ENTRY_BYTES && (opts.cacheable?.(value) ?? true)) {
    // Awaited (not waitUntil) so the next request is a hit: one pipelined call, on the miss path only.
    const entry: Entry = { v: versions, e: etag, h: headers, b: body };
    const write = redis.pipeline().set(key, serializeEntry(entry), { ex: policy.ttl });
    for (const k of versionKeys) write.expire(k, VERSION_TTL_SECONDS);
    await write.exec().catch((err) => logCacheFailure(c, "write", err));
  }
  return respond(c, policy, body, etag, "MISS", headers);
}

/** Makes every cached response built from these data sets a miss. Never throws (logged instead). */
export async function invalidateCache(redis: Redis, datasets: readonly string[]): Promise<void> {
  if (datasets.length === 0) return;
  try {
    const bump = redis.pipeline();
    for (const d of datasets) bump.set(versionKey(d), crypto.randomUUID(), { ex: VERSION_TTL_SECONDS });
    await bump.exec();
  } catch (err) {
    // Entries built before this write may be served until their TTL; nothing better is possible
    // while Redis is unreachable (and reads then miss anyway).
    console.warn(JSON.stringify({ level: "warn", msg: "cache invalidation failed", datasets, error: describe(err) }));
  }
}

/**
 * After a successful (< 400) non-GET request, bumps these data sets before the response leaves.
 * Per-user data sets (`ai:{id}`) are given as a function of the request.
 */
export function invalidateOnWrite(datasets: readonly string[] | ((c: Context<AppBindings>) => readonly string[])) {
  return createMiddleware<AppBindings>(async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.res.status < 400) {
      await invalidateCache(c.get("services").redis, typeof datasets === "function" ? datasets(c) : datasets);
    }
  });
}

/** Creates missing version tokens (SET NX, then GET: whoever won) in one pipelined call. */
async function initVersions(redis: Redis, keys: string[], current: (string | null)[]): Promise<string[]> {
  const missing = keys.filter((_, i) => current[i] === null);
  const pipe = redis.pipeline();
  for (const k of missing) pipe.set(k, crypto.randomUUID(), { nx: true, ex: VERSION_TTL_SECONDS }).get(k);
  const results = (await pipe.exec()) as unknown[];
  const created = new Map(missing.map((k, i) => [k, results[i * 2 + 1]]));
  return keys.map((k, i) => {
    const v = current[i] ?? created.get(k);
    if (typeof v !== "string") throw new Error("version token missing after SET NX");
    return v;
  });
}

function respond(
  c: Context<AppBindings>,
  policy: CachePolicy,
  body: string,
  etag: string,
  state: "HIT" | "MISS",
  headers: Record<string, string>,
) {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  c.header("ETag", etag);
  c.header("X-Cache", state);
  countEvent("blackroad_cache_requests_total", { result: state === "HIT" ? "hit" : "miss" });
  // Clients may keep a copy but must revalidate (cheap: a 304) so they never show pre-write data.
  c.header("Cache-Control", `${policy.perUser ? "private" : "public"}, no-cache`);
  if (policy.perUser) c.header("Vary", "Authorization", { append: true });
  if (ifNoneMatchHits(c.req.header("If-None-Match"), etag)) {
    return c.body(null, 304) as unknown as Response & TypedResponse<never, 200, "json">;
  }
  c.header("Content-Type", "application/json");
  return c.body(body, 200) as unknown as Response & TypedResponse<never, 200, "json">;
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or `*`. */
function ifNoneMatchHits(header: string | undefined, etag: string) {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

async function etagOf(body: string) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return `"${btoa(String.fromCharCode(...digest.subarray(0, 18)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")}"`;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

async function sha256Hex(text: string) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const b of digest) hex += HEX[b];
  return hex;
}

function logCacheFailure(c: Context<AppBindings>, op: "read" | "write", err: unknown) {
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: `cache ${op} failed; serving from origin`,
      request_id: c.get("requestId"),
      error: describe(err),
    }),
  );
}

// The error's class and a short reason only: never a URL or token.
function describe(err: unknown) {
  return err instanceof Error
    ? `${err.name}: ${err.message.slice(0, 120).replace(/https?:\/\/\S+/g, "<url>")}`
    : "unknown";
}
