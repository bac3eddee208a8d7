/**
 * Metrics for the whole Worker: one registry per isolate (deltas), flushed to one Redis hash that
 * every isolate adds to, read by `GET /metrics`.
 *
 * The same mechanism as the generous rate limits (lib/window-counters.ts), measured there first:
 * counting is a Map update in the isolate; the deltas travel in one script call at most once per
 * FLUSH_INTERVAL_MS per isolate, in the background (ctx.waitUntil), so no request waits for it and
 * a busy isolate costs Redis one call a second, whatever its request rate. Redis rather than a
 * metrics Durable Object: the flush is already one round trip to a store every request path knows,
 * HINCRBYFLOAT is atomic across isolates, and a Durable Object would add a second hop (Worker →
 * object → storage) and a single-threaded hot spot for every isolate of every colo.
 *
 * Collection is on only when METRICS_TOKEN is set: nobody could read the numbers otherwise.
 */

export { METRIC_FAMILIES, renderExposition } from "./exposition.ts";
export * from "./flush.ts";
export * from "./record.ts";
export { DURATION_BUCKETS, MetricsRegistry } from "./registry.ts";
