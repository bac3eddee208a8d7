import { createRoute } from "@hono/zod-openapi";
import { HealthSchema, HealthSummarySchema } from "./health.schemas.ts";

export const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness: answers without touching any dependency",
  responses: { 200: { description: "The Worker is up", content: { "application/json": { schema: HealthSchema } } } },
});

export const healthSummary = createRoute({
  method: "get",
  path: "/api/health/summary",
  tags: ["System"],
  summary: "Readiness: live checks of Postgres, Redis and the RoadChain Durable Object",
  responses: {
    200: { description: "Healthy or degraded", content: { "application/json": { schema: HealthSummarySchema } } },
    503: { description: "A required dependency is down", content: { "application/json": { schema: HealthSummarySchema } } },
  },
});
