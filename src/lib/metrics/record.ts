/**
 * Recording: the isolate's registry and the calls the rest of the Worker makes to count things.
 * No I/O here (lib/db.ts and lib/redis.ts import this; the flush to Redis is in flush.ts).
 */
import { MetricsRegistry } from "./registry.ts";

/** This isolate's registry. */
export const metrics = new MetricsRegistry();

let enabled = false;
/** Set per request from the config (a Map lookup's worth of work is skipped when off). */
export function setMetricsEnabled(on: boolean): void {
  enabled = on;
}
export const metricsEnabled = () => enabled;

/** Counts a business or infrastructure event (no-op while metrics are off). */
export function countEvent(name: string, labels?: Record<string, string>, by = 1): void {
  if (enabled) metrics.inc(name, labels, by);
}

/** Records one dependency call: a counter by outcome and a latency histogram. */
export function recordDependency(dependency: string, seconds: number, ok: boolean): void {
  if (!enabled) return;
  metrics.inc("blackroad_dependency_calls_total", { dependency, outcome: ok ? "ok" : "error" });
  metrics.observe("blackroad_dependency_duration_seconds", { dependency }, seconds);
}

/** Runs `call`, recording it as a call to `dependency`. */
export async function timed<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  if (!enabled) return call();
  const started = performance.now();
  try {
    const result = await call();
    recordDependency(dependency, (performance.now() - started) / 1000, true);
    return result;
  } catch (err) {
    recordDependency(dependency, (performance.now() - started) / 1000, false);
    throw err;
  }
}
