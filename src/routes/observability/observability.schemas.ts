import { z } from "@hono/zod-openapi";

const Dependency = z.object({ calls: z.number(), errors: z.number(), avg_ms: z.number().nullable() });

export const MinuteSchema = z
  .object({
    t: z.number().int().openapi({ description: "Start of the minute, ms since the epoch" }),
    requests: z.number(),
    errors: z.number().openapi({ description: "5xx answers" }),
    p95_ms: z.number().nullable(),
    dependencies: z.record(z.string(), Dependency),
    business: z.record(z.string(), z.number()),
  })
  .openapi("MetricsMinute");

export const RouteRowSchema = z
  .object({
    route: z.string(),
    method: z.string(),
    requests: z.number(),
    errors: z.number(),
    error_ratio: z.number(),
    p95_ms: z.number().nullable(),
  })
  .openapi("MetricsRoute");

export const TimelineSchema = z
  .object({
    minutes: z.array(MinuteSchema).openapi({ description: "The last 60 minutes, oldest first" }),
    routes: z.array(RouteRowSchema).openapi({ description: "The 20 busiest route patterns of the hour" }),
  })
  .openapi("MetricsTimeline");
