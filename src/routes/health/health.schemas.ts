import { z } from "@hono/zod-openapi";

export const HealthSchema = z
  .object({
    status: z.literal("healthy"),
    service: z.string(),
    environment: z.string(),
    version: z.string(),
    timestamp: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Health");

const CheckSchema = z.object({
  status: z.enum(["up", "slow", "down"]),
  latency_ms: z.number(),
  error: z.string().optional(),
});

export const HealthSummarySchema = z
  .object({
    status: z.enum(["healthy", "degraded", "unhealthy"]),
    service: z.string(),
    environment: z.string(),
    version: z.string(),
    timestamp: z.string(),
    checks: z.object({ postgres: CheckSchema, redis: CheckSchema, roadchain: CheckSchema }),
    integrations: z.record(z.string(), z.object({ configured: z.boolean() })),
    integration_counts: z.object({
      total: z.number().int(),
      configured: z.number().int(),
      not_configured: z.number().int(),
    }),
  })
  .openapi("HealthSummary");

export type DependencyCheck = z.infer<typeof CheckSchema>;
