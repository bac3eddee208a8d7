import { json, routeKit } from "../route-kit.ts";
import { TimelineSchema } from "./observability.schemas.ts";

const { admin } = routeKit("Observability", "Metrics over time, as Prism charts them (administrators only)");

export const observabilityTimeline = admin({
  operationId: "getObservabilityTimeline",
  method: "get",
  path: "/api/prism/observability",
  summary: "The last hour of metrics, minute by minute (admins)",
  description:
    "Request rate, 5xx count and p95 latency per minute, dependency calls and latency, business counters, and the busiest route " +
    "patterns with their error ratio and p95: the numbers GET /metrics exposes, summed over every isolate. 503 while METRICS_TOKEN is unset.",
  responses: { 200: json(TimelineSchema, "The timeline") },
});
