/**
 * The last hour, minute by minute, for Prism's Observability page: request rate, 5xx count and p95
 * latency per minute, dependency calls and latency, business counters, and the busiest routes with
 * their error ratio and p95 — computed from the per-minute deltas the isolates flush
 * (lib/metrics/flush.ts), the same numbers Prometheus sees.
 */
import { parseSeries } from "../../lib/metrics/exposition.ts";

export type MinuteView = {
  /** Start of the minute, ms since the epoch. */
  t: number;
  requests: number;
  errors: number;
  p95_ms: number | null;
  dependencies: Record<string, { calls: number; errors: number; avg_ms: number | null }>;
  business: Record<string, number>;
};
export type RouteView = {
  route: string;
  method: string;
  requests: number;
  errors: number;
  error_ratio: number;
  p95_ms: number | null;
};
export type TimelineView = { minutes: MinuteView[]; routes: RouteView[] };

const BUSINESS = new Map([
  ["blackroad_registrations_total", "registrations"],
  ["blackroad_transfers_total", "transfers"],
  ["blackroad_transfer_volume_coins_total", "transfer_volume"],
  ["blackroad_mail_sent_total", "mail_sent"],
  ["blackroad_rate_limit_refusals_total", "rate_limited"],
]);

type Buckets = Map<number, number>;

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank. */
export function quantile(q: number, buckets: Buckets): number | null {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound; // above the largest finite bucket
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, Number.EPSILON);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

const addTo = <K>(map: Map<K, number>, key: K, by: number) => map.set(key, (map.get(key) ?? 0) + by);
const ms = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 10_000) / 10);

export function buildTimeline(
  minutes: Array<{ minute: number; series: Map<string, number> }>,
  topRoutes = 20,
): TimelineView {
  const routes = new Map<
    string,
    { route: string; method: string; requests: number; errors: number; buckets: Buckets }
  >();
  const view = minutes.map(({ minute, series }): MinuteView => {
    let requests = 0;
    let errors = 0;
    const latency: Buckets = new Map();
    const deps = new Map<string, { calls: number; errors: number; sum: number; count: number }>();
    const business: Record<string, number> = {};
    for (const [key, value] of series) {
      const { name, labels } = parseSeries(key);
      if (name === "blackroad_http_requests_total") {
        requests += value;
        const route = routeEntry(routes, labels);
        route.requests += value;
        if (labels.status === "5xx") {
          errors += value;
          route.errors += value;
        }
      } else if (name === "blackroad_http_request_duration_seconds_bucket") {
        const le = labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(labels.le);
        addTo(latency, le, value);
        addTo(routeEntry(routes, labels).buckets, le, value);
      } else if (
        name === "blackroad_dependency_calls_total" ||
        name.startsWith("blackroad_dependency_duration_seconds_")
      ) {
        const dep = labels.dependency ?? "unknown";
        const d = deps.get(dep) ?? { calls: 0, errors: 0, sum: 0, count: 0 };
        deps.set(dep, d);
        if (name === "blackroad_dependency_calls_total") {
          d.calls += value;
          if (labels.outcome === "error") d.errors += value;
        } else if (name.endsWith("_sum")) d.sum += value;
        else if (name.endsWith("_count")) d.count += value;
      } else if (BUSINESS.has(name)) {
        const label = BUSINESS.get(name)!;
        business[label] = (business[label] ?? 0) + value;
      } else if (name === "blackroad_logins_total") {
        const label = labels.outcome === "ok" ? "logins_ok" : "logins_failed";
        business[label] = (business[label] ?? 0) + value;
      }
    }
    const dependencies = Object.fromEntries(
      [...deps].map(([dep, d]) => [
        dep,
        { calls: d.calls, errors: d.errors, avg_ms: d.count > 0 ? ms(d.sum / d.count) : null },
      ]),
    );
    return { t: minute * 60_000, requests, errors, p95_ms: ms(quantile(0.95, latency)), dependencies, business };
  });
  const busiest = [...routes.values()]
    .filter((r) => r.requests > 0)
    .sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route))
    .slice(0, topRoutes)
    .map((r) => ({
      route: r.route,
      method: r.method,
      requests: r.requests,
      errors: r.errors,
      error_ratio: r.requests > 0 ? Math.round((r.errors / r.requests) * 10_000) / 10_000 : 0,
      p95_ms: ms(quantile(0.95, r.buckets)),
    }));
  return { minutes: view, routes: busiest };
}

function routeEntry(
  routes: Map<string, { route: string; method: string; requests: number; errors: number; buckets: Buckets }>,
  labels: Record<string, string>,
) {
  const route = labels.route ?? "unmatched";
  const method = labels.method ?? "GET";
  const key = `${method} ${route}`;
  let entry = routes.get(key);
  if (!entry) routes.set(key, (entry = { route, method, requests: 0, errors: 0, buckets: new Map() }));
  return entry;
}
