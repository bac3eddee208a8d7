import { createRoute, z } from "@hono/zod-openapi";
import { ProblemSchema } from "../../lib/errors.ts";

export const METRICS_SECURITY: Array<Record<string, string[]>> = [{ metricsToken: [] }];

export const scrapeMetrics = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "scrapeMetrics",
  tags: ["System"],
  summary: "Prometheus metrics (text exposition 0.0.4), for a scraper holding METRICS_TOKEN",
  description:
    "Request counts and latency per route pattern, dependency calls, cache and rate-limit counters and business " +
    "counters, summed over every isolate. Requires `Authorization: Bearer <METRICS_TOKEN>`; 503 while no token is configured.",
  security: METRICS_SECURITY,
  responses: {
    200: { description: "The exposition", content: { "text/plain": { schema: z.string() } } },
    401: { description: "Missing or wrong token", content: { "application/problem+json": { schema: ProblemSchema } } },
    503: { description: "Metrics are not configured, or the metric store is unreachable", content: { "application/problem+json": { schema: ProblemSchema } } },
  },
});
