import { Redis } from "@upstash/redis/cloudflare";
import type { AppConfig } from "../config.ts";
import { timed } from "./metrics/record.ts";

/** Redis calls give up after this long: a dead Redis must cost milliseconds, not the default ~4 s of retries. */
export const REDIS_TIMEOUT_MS = 1_000;

type RedisConfig = Pick<AppConfig, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">;

// The client holds no I/O object (every call is one fetch, made in the calling request, with its
// own timeout signal), so one per URL and token serves all of an isolate's requests, as the HTTP
// database instance does (lib/db.ts); building one per request showed up in CPU profiles.
const clients = new Map<string, Redis>();

/** The isolate's Upstash client for this URL and token. */
export function redisClient(config: RedisConfig): Redis {
  const key = `${config.UPSTASH_REDIS_REST_URL}\n${config.UPSTASH_REDIS_REST_TOKEN}`;
  let client = clients.get(key);
  if (!client) {
    client = new Redis({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      // One quick retry for a dropped connection; fail fast otherwise (callers decide fail-open/closed).
      retry: { retries: 1, backoff: () => 20 },
      signal: () => AbortSignal.timeout(REDIS_TIMEOUT_MS),
      // Values are stored as JSON strings we encode ourselves, so types survive the round trip.
      automaticDeserialization: false,
      // Plain JSON replies: everything we store is JSON text (valid UTF-8), so the default base64
      // round trip only cost CPU on both ends (it showed in profiles of cache hits).
      responseEncoding: false,
      // One command, one plain request: we batch on purpose where it pays (redis.pipeline()).
      // Auto-pipelining wrapped every lone command in a pipeline call (more JSON on both ends, and
      // its own frames in CPU profiles) to merge commands issued in the same microtask, which a
      // request's sequential commands never are.
      enableAutoPipelining: false,
      enableTelemetry: false,
    });
    // Every command is one HTTP request: counted and timed as a call to Redis (lib/metrics).
    client.use((req, next) => timed("redis", () => next(req)));
    clients.set(key, client);
  }
  return client;
}

/** What callers use of an @upstash/redis Script. */
type Script<T> = { exec(keys: string[], args: string[]): Promise<T> };
const scripts = new WeakMap<Redis, Map<string, Script<unknown>>>();

/**
 * A Lua script on `redis` (EVALSHA, falling back to EVAL once per Redis). Kept per client, so its
 * SHA-1 is computed once per isolate, not on every call.
 */
export function redisScript<T>(redis: Redis, source: string): Script<T> {
  let bySource = scripts.get(redis);
  if (!bySource) scripts.set(redis, (bySource = new Map()));
  let script = bySource.get(source);
  if (!script) bySource.set(source, (script = redis.createScript<unknown>(source)));
  return script as Script<T>;
}

export type { Redis };
