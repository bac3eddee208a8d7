import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { routeKit } from "../route-kit.ts";

export const METRICS_SECURITY: Array<Record<string, string[]>> = [{ metricsToken: [] }];

const { scheme } = routeKit("System", "Liveness, readiness, version, public configuration and metrics");

export const scrapeMetrics = scheme(METRICS_SECURITY)({
  operationId: "scrapeMetrics",
  method: "get",
  path: "/metrics",
  summary: "Prometheus metrics (text exposition 0.0.4), for a scraper holding METRICS_TOKEN",
  description:
    "Request counts and latency per route pattern, dependency calls, cache and rate-limit counters and business " +
    "counters, summed over every isolate. Requires `Authorization: Bearer <METRICS_TOKEN>`; 503 while no token is configured.",
  responses: {
    200: { description: "The exposition", content: { "text/plain": { schema: z.string() } } },
    401: { ...problemResponses(401)[401], description: "Missing or wrong token" },
    503: {
      ...problemResponses(503)[503],
      description: "Metrics are not configured, or the metric store is unreachable",
    },
  },
});
