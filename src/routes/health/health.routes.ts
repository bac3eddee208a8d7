import { routeKit } from "../route-kit.ts";
import { HealthSchema, HealthSummarySchema } from "./health.schemas.ts";

const { anyone } = routeKit("System", "Liveness, readiness, version, public configuration and metrics");

export const health = anyone({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  summary: "Liveness: answers without touching any dependency",
  responses: { 200: { description: "The Worker is up", content: { "application/json": { schema: HealthSchema } } } },
});

export const healthSummary = anyone({
  operationId: "getHealthSummary",
  method: "get",
  path: "/api/health/summary",
  summary: "Readiness: live checks of Postgres, Redis and the RoadChain Durable Object",
  responses: {
    200: { description: "Healthy or degraded", content: { "application/json": { schema: HealthSummarySchema } } },
    503: {
      description: "A required dependency is down",
      content: { "application/json": { schema: HealthSummarySchema } },
    },
  },
});
