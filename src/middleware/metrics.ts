import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { flushIfDue, metrics, setMetricsEnabled } from "../lib/metrics/index.ts";
import { redisClient } from "../lib/redis.ts";
import type { AppBindings } from "../types.ts";

/**
 * Request metrics: a counter by route pattern, method and status class, and a latency histogram per
 * route pattern and method. Route patterns (`/api/blockchain/blocks/:height`), never raw paths, so
 * the number of series is bounded by the routes we define; a path no route matched is `unmatched`.
 *
 * Runs after the config guard (it needs METRICS_TOKEN to know whether to count, and the Redis URL to
 * flush); the flush rides on ctx.waitUntil, at most once a second per isolate (lib/metrics).
 */
export const requestMetrics = createMiddleware<AppBindings>(async (c, next) => {
  const on = Boolean(c.get("config").METRICS_TOKEN);
  setMetricsEnabled(on);
  if (!on) return next();
  const started = performance.now();
  await next();
  const seconds = (performance.now() - started) / 1000;
  const route = routePattern(c);
  const method = c.req.method;
  const status = `${Math.floor(c.res.status / 100)}xx`;
  metrics.inc("blackroad_http_requests_total", { route, method, status });
  metrics.observe("blackroad_http_request_duration_seconds", { route, method }, seconds);
  if (c.res.status === 429) metrics.inc("blackroad_rate_limit_refusals_total", { route });
  const flushing = flushIfDue(() => redisClient(c.get("config")));
  if (flushing) c.executionCtx.waitUntil(flushing);
});

/** The pattern of the route that handled the request (the last non-middleware match). */
function routePattern(c: Parameters<typeof matchedRoutes>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i];
    if (r && r.method !== "ALL" && !r.path.endsWith("*")) return r.path;
  }
  return "unmatched";
}
