/** The isolate's deltas → the shared totals in Redis, and back out for `/metrics`. */
import type { Redis } from "../redis.ts";
import { redisScript } from "../redis.ts";
import { metrics, metricsEnabled } from "./record.ts";
import type { MetricsRegistry } from "./registry.ts";

/** The shared totals: one Redis hash, field = series, value = total. */
export const METRICS_KEY = "metrics:v1";
/** Refreshed by every flush: the totals outlive any scrape gap, and vanish with a retired deployment. */
export const METRICS_TTL_MS = 30 * 24 * 3600 * 1000;
/** Least time between two flushes of one isolate. */
export const FLUSH_INTERVAL_MS = 1_000;

/** Per-minute deltas for Prism's charts over the last hour: `metrics:minute:{unix minute}`, kept 2 hours. */
export const minuteKey = (minute: number) => `metrics:minute:${minute}`;
export const MINUTE_TTL_MS = 2 * 3600 * 1000;

// KEYS[1] = totals, KEYS[2] = this minute's deltas; ARGV[1], ARGV[2] = their TTLs (ms); then series/delta pairs.
const ADD_DELTAS = `for i = 3, #ARGV, 2 do
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBYFLOAT', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return #ARGV`;

let lastFlushAt = Number.NEGATIVE_INFINITY;
let flushing: Promise<void> | undefined;

/** Adds the pending deltas to the shared totals now. On failure they stay pending for the next flush. */
export async function flushMetrics(redis: Redis, registry: MetricsRegistry = metrics, now = Date.now()): Promise<void> {
  if (registry.dropped > 0) {
    registry.inc("blackroad_metrics_dropped_series_total", {}, registry.dropped);
    registry.dropped = 0;
  }
  const deltas = registry.drain();
  if (deltas.length === 0) return;
  try {
    await redisScript<number>(redis, ADD_DELTAS).exec(
      [METRICS_KEY, minuteKey(Math.floor(now / 60_000))],
      [String(METRICS_TTL_MS), String(MINUTE_TTL_MS), ...deltas.flatMap(([series, delta]) => [series, String(delta)])],
    );
  } catch (err) {
    registry.restore(deltas);
    throw err;
  }
}

/**
 * A background flush when one is due (for ctx.waitUntil), else undefined: at most one in flight
 * and one per FLUSH_INTERVAL_MS per isolate. Never rejects; a failure is logged once per flush.
 */
export function flushIfDue(redis: () => Redis, now = Date.now()): Promise<void> | undefined {
  if (!metricsEnabled() || flushing || metrics.size === 0 || now - lastFlushAt < FLUSH_INTERVAL_MS) return undefined;
  lastFlushAt = now;
  flushing = flushMetrics(redis())
    .catch((err: unknown) => {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "metrics flush failed",
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    })
    .finally(() => (flushing = undefined));
  return flushing;
}

/** The shared totals (series → value). */
export async function readTotals(redis: Redis): Promise<Map<string, number>> {
  return hashToMap(await redis.hgetall(METRICS_KEY));
}

/** The per-minute deltas of the `minutes` minutes up to `now`, oldest first. */
export async function readMinutes(
  redis: Redis,
  minutes: number,
  now = Date.now(),
): Promise<Array<{ minute: number; series: Map<string, number> }>> {
  const last = Math.floor(now / 60_000);
  const wanted = Array.from({ length: minutes }, (_, i) => last - minutes + 1 + i);
  const pipeline = redis.pipeline();
  for (const minute of wanted) pipeline.hgetall(minuteKey(minute));
  const replies = (await pipeline.exec()) as unknown[];
  return wanted.map((minute, i) => ({ minute, series: hashToMap(replies[i]) }));
}

/** An HGETALL reply as a Map: with automaticDeserialization off (lib/redis.ts) it is Redis's flat [field, value, …]. */
function hashToMap(raw: unknown): Map<string, number> {
  const totals = new Map<string, number>();
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) totals.set(String(raw[i]), Number(raw[i + 1]));
  } else if (raw && typeof raw === "object") {
    for (const [series, value] of Object.entries(raw)) totals.set(series, Number(value));
  }
  return totals;
}
