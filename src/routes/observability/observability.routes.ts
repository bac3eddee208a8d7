import { createRoute } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/errors.ts";
import { requireAdmin } from "../../middleware/admin.ts";
import { BEARER_SECURITY, requireAuth } from "../../middleware/auth.ts";
import { TimelineSchema } from "./observability.schemas.ts";

export const observabilityTimeline = createRoute({
  method: "get",
  path: "/api/prism/observability",
  operationId: "getObservabilityTimeline",
  tags: ["Prism"],
  middleware: [requireAuth, requireAdmin],
  security: BEARER_SECURITY,
  summary: "The last hour of metrics, minute by minute (admins)",
  description:
    "Request rate, 5xx count and p95 latency per minute, dependency calls and latency, business counters, and the busiest route " +
    "patterns with their error ratio and p95: the numbers GET /metrics exposes, summed over every isolate. 503 while METRICS_TOKEN is unset.",
  responses: {
    200: { description: "The timeline", content: { "application/json": { schema: TimelineSchema } } },
    ...problemResponses(401, 403, 503),
  },
});
