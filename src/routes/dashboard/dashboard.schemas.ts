import { z } from "@hono/zod-openapi";
import { KeysetQuery } from "../../lib/pagination.ts";
import { MAX_TIMELINE_HOURS } from "../../services/dashboard/activity-timeline.ts";

const Check = z.object({
  status: z.enum(["up", "slow", "down"]),
  latency_ms: z.number(),
  error: z.string().optional(),
});
const Checks = z.object({ postgres: Check, redis: Check, roadchain: Check });
const Stat = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const ServiceStatusEnum = z.enum(["online", "degraded", "offline", "configured", "not_configured"]);

export const CardSchema = z
  .object({
    id: z.string().openapi({ example: "email" }),
    name: z.string().openapi({ example: "RoadMail" }),
    icon: z.string(),
    status: ServiceStatusEnum,
    enabled: z.boolean(),
    connected: z.boolean(),
    endpoint: z.string().nullable(),
    stats: z.record(z.string(), Stat).openapi({ example: { total: 12, unread: 3 } }),
  })
  .openapi("DashboardCard");

export const SystemHealthSchema = z
  .object({
    overall_status: z.enum(["healthy", "degraded", "unhealthy"]),
    services_online: z.number().int(),
    services_total: z.number().int(),
    checks: Checks,
    checked_at: z.string().openapi({
      description:
        "When these checks ran: the overview is cached, so they can be up to 5 minutes old (GET /api/dashboard/services checks live)",
    }),
  })
  .openapi("DashboardSystemHealth");

export const OverviewSchema = z
  .object({
    user: z.object({
      id: z.number().int(),
      username: z.string(),
      email: z.string(),
      full_name: z.string().nullable(),
      wallet_address: z.string().nullable(),
      balance: z.string().nullable().openapi({ example: "150.00000000" }),
    }),
    services: z.array(CardSchema),
    system_health: SystemHealthSchema,
    timestamp: z.string(),
  })
  .openapi("DashboardOverview");

export const QuickStatsSchema = z
  .object({
    wallet_balance: z.string().nullable(),
    unread_emails: z.number().int(),
    posts: z.number().int(),
    followers: z.number().int(),
    videos: z.number().int(),
    video_views: z.number().int(),
    ai_conversations: z.number().int(),
    transactions: z.number().int(),
    blocks_mined: z.number().int(),
    miner_status: z.enum(["running", "stopped", "unknown"]),
    mining_hashrate: z
      .string()
      .nullable()
      .openapi({ description: "Measured by my miner; null when not measured", example: "412.35 kH/s" }),
  })
  .openapi("DashboardQuickStats");

export const ActivityQuery = KeysetQuery;

export const ActivitySchema = z
  .object({
    id: z.number().int(),
    type: z.string().openapi({ example: "auth.login" }),
    service: z.string().openapi({ description: "The area of the event type", example: "auth" }),
    action: z.string().openapi({ example: "login" }),
    description: z.string().openapi({ example: "Signed in" }),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    timestamp: z.string().openapi({ description: "Same as created_at (the original's name)" }),
  })
  .openapi("DashboardActivity");

export const ActivityPageSchema = z
  .object({
    activities: z.array(ActivitySchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("DashboardActivityPage");

export const ServiceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    icon: z.string(),
    description: z.string(),
    category: z.enum(["apps", "integrations"]),
    endpoint: z.string().nullable(),
    configured: z.boolean(),
    healthy: z.boolean().nullable().openapi({ description: "null: a third-party integration, not probed" }),
    status: ServiceStatusEnum,
    depends_on: z.array(z.enum(["postgres", "redis", "roadchain"])),
  })
  .openapi("DashboardService");

export const ServicesSchema = z
  .object({
    services: z.array(ServiceSchema),
    categories: z.record(z.string(), z.array(z.string())),
    total: z.number().int(),
    configured: z.number().int(),
    healthy: z.number().int(),
    checks: Checks,
    checked_at: z.string(),
  })
  .openapi("DashboardServices");

export const ActivityTimelineQuery = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_TIMELINE_HOURS)
    .default(24)
    .openapi({
      description: `How many hours back, the current one included (1–${MAX_TIMELINE_HOURS})`,
      example: 24,
    }),
});

export const ActivityTimelineSchema = z
  .object({
    hours: z
      .array(
        z.object({
          hour: z.string().openapi({ description: "Start of the hour (UTC)", example: "2026-01-05T10:00:00.000Z" }),
          count: z.number().int().openapi({ description: "My events in that hour", example: 3 }),
        }),
      )
      .openapi({ description: "Oldest first; every hour is present (0 when nothing happened)" }),
    total: z.number().int(),
  })
  .openapi("DashboardActivityTimeline");
