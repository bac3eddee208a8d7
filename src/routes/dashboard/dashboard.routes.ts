import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, routeKit } from "../route-kit.ts";
import {
  ActivityPageSchema,
  ActivityQuery,
  ActivityTimelineQuery,
  ActivityTimelineSchema,
  OverviewSchema,
  QuickStatsSchema,
  ServicesSchema,
} from "./dashboard.schemas.ts";

const { user } = routeKit(
  "Dashboard",
  "My overview across the apps: counts, wallet, miner, activity and service health",
);

export const overview = user({
  operationId: "getDashboardOverview",
  method: "get",
  path: "/api/dashboard/overview",
  summary: "My overview: one card per app with real counts, my wallet, my miner, system health",
  description:
    "Cached per user for 5 minutes (see X-Cache); my own writes (mail, posts, videos, chain, miner) invalidate it, so I never see counts older than my last change.",
  responses: {
    200: {
      description: "The overview",
      headers: z.object({ "X-Cache": z.enum(["HIT", "MISS"]), ETag: z.string() }),
      content: { "application/json": { schema: OverviewSchema } },
    },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
  },
});

export const quickStats = user({
  operationId: "getQuickStats",
  method: "get",
  path: "/api/dashboard/quick-stats",
  summary: "A handful of my numbers, computed now",
  responses: { 200: json(QuickStatsSchema, "Quick stats") },
});

export const activity = user({
  operationId: "listMyActivity",
  method: "get",
  path: "/api/dashboard/activity",
  summary: "My recent activity from the audit log, newest first (keyset paging with ?before)",
  request: { query: ActivityQuery },
  responses: { 200: json(ActivityPageSchema, "A page of my events", NextPageHeaders), ...problemResponses(422) },
});

export const activityTimeline = user({
  operationId: "getMyActivityTimeline",
  method: "get",
  path: "/api/dashboard/activity/timeline",
  summary: "My activity per hour over the last hours (the Dashboard's chart)",
  request: { query: ActivityTimelineQuery },
  responses: { 200: json(ActivityTimelineSchema, "Events per hour"), ...problemResponses(422) },
});

export const services = user({
  operationId: "listServices",
  method: "get",
  path: "/api/dashboard/services",
  summary: "The apps and integrations: configured or not, and healthy from live dependency checks",
  responses: { 200: json(ServicesSchema, "Services") },
});
