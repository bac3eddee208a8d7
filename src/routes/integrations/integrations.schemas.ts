import { z } from "@hono/zod-openapi";

export const IntegrationStatusSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    status: z.enum(["connected", "not_configured", "error"]),
    configured: z.boolean(),
    connected: z.boolean(),
    message: z.string(),
    missing: z.array(z.string()).openapi({ description: "Variables still to set" }),
    configuration: z
      .record(z.string(), z.boolean())
      .openapi({ description: "`<variable>_configured` flags, never values" }),
    latency_ms: z.number().nullable(),
    last_checked: z.string(),
    cached: z.boolean().openapi({ description: "The probe result is up to 60 s old" }),
    error: z.string().nullable(),
  })
  .openapi("IntegrationStatus");

export const IntegrationHealthSchema = z
  .object({
    service: z.string(),
    status: z.enum(["operational", "not_configured", "error"]),
    latency_ms: z.number().nullable(),
    timestamp: z.string(),
  })
  .openapi("IntegrationHealth");

export const HealthAllSchema = z
  .object({
    status: z.enum(["healthy", "degraded", "unhealthy"]),
    timestamp: z.string(),
    total_apis: z.number().int(),
    connected_apis: z.number().int(),
    not_configured_apis: z.number().int(),
    error_apis: z.number().int(),
    apis: z.record(z.string(), IntegrationStatusSchema),
  })
  .openapi("IntegrationHealthAll");

export const HealthNameParams = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z]{1,40}$/, "a service name such as github")
    .openapi({ example: "github" }),
});

export const IdempotencyHeaders = z.object({
  "Idempotency-Key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({ description: "Passed to the service: a retried request with the same key takes effect once" }),
});
