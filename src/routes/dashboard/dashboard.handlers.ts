import { integrations } from "../../config.ts";
import { cachedJson } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import { activityTimeline as timelineOf } from "../../services/dashboard/activity-timeline.ts";
import { allServices, type Checks, overallStatus } from "../../services/dashboard/catalog.ts";
import { type DashboardDeps, gatherDashboard, minerHashrate, serviceCards } from "../../services/dashboard/overview.ts";
import { checkPostgres, checkRedis, checkRoadChain } from "../../services/dependency-checks.ts";
import { formatHashrate } from "../../services/miner/chain-reads.ts";
import { describeEvent, listEvents } from "../../services/prism/events.ts";
import type { AppRouteHandler } from "../../types.ts";
import { byId, setNextPage } from "../keyset.ts";
import { type Ctx, chainOf } from "../request-kit.ts";
import type * as routes from "./dashboard.routes.ts";

const dashboardDeps = (c: Ctx): DashboardDeps => {
  const { db, redis } = c.var.services;
  return { db, redis, miner: c.env.MINER, roadchain: c.env.ROADCHAIN };
};

export const overview: AppRouteHandler<typeof routes.overview> = async (c) => {
  const { userId } = getAuth(c);
  const chain = chainOf(c);
  // An overview built while the miner or a dependency was unreachable is served, not stored: its
  // "offline" cards would otherwise outlive the outage by the whole TTL.
  let complete = false;
  return cachedJson(c, {
    endpoint: "/api/dashboard/overview",
    params: { chain },
    userId,
    cacheable: () => complete,
    load: async () => {
      const { counts, miner, checks } = await gatherDashboard(dashboardDeps(c), chain, userId, { checks: true });
      complete = miner !== null && Object.values(checks!).every((check) => check.status !== "down");
      const listed = serviceCards(counts, miner, allServices(integrations(c.var.config), checks!));
      const now = new Date().toISOString();
      return {
        user: {
          id: counts.user.id,
          username: counts.user.username,
          email: counts.user.email,
          full_name: counts.user.full_name,
          wallet_address: counts.wallet?.address ?? null,
          balance: counts.wallet?.balance ?? null,
        },
        services: listed,
        system_health: {
          overall_status: overallStatus(checks!),
          // Counted over the cards above, so the numbers match what the overview lists.
          services_online: listed.filter((s) => s.connected).length,
          services_total: listed.length,
          checks: checks!,
          checked_at: now,
        },
        timestamp: now,
      };
    },
  });
};

export const quickStats: AppRouteHandler<typeof routes.quickStats> = async (c) => {
  const { counts, miner } = await gatherDashboard(dashboardDeps(c), chainOf(c), getAuth(c).userId, { checks: false });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      wallet_balance: counts.wallet?.balance ?? null,
      unread_emails: counts.mail.unread,
      posts: counts.social.posts,
      followers: counts.social.followers,
      videos: counts.video.videos,
      video_views: counts.video.views,
      ai_conversations: counts.ai.conversations,
      transactions: counts.chain.transactions,
      blocks_mined: counts.chain.blocks_mined,
      miner_status: miner ? miner.status : ("unknown" as const),
      mining_hashrate: formatHashrate(minerHashrate(miner)),
    },
    200,
  );
};

export const activity: AppRouteHandler<typeof routes.activity> = async (c) => {
  const page = c.req.valid("query");
  const { items, total } = await listEvents(c.var.services.db, { userId: getAuth(c).userId }, page);
  setNextPage(c, items, page.limit, byId);
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      activities: items.map((e) => {
        const dot = e.type.indexOf(".");
        return {
          id: e.id,
          type: e.type,
          service: dot > 0 ? e.type.slice(0, dot) : e.type,
          action: dot > 0 ? e.type.slice(dot + 1) : e.type,
          description: describeEvent(e.type, e.metadata),
          ip: e.ip,
          user_agent: e.user_agent,
          metadata: e.metadata,
          created_at: e.created_at,
          timestamp: e.created_at,
        };
      }),
      total,
      limit: page.limit,
      offset: page.offset,
    },
    200,
  );
};

export const activityTimeline: AppRouteHandler<typeof routes.activityTimeline> = async (c) => {
  const hours = await timelineOf(c.var.services.db, getAuth(c).userId, c.req.valid("query").hours);
  c.header("Cache-Control", "no-store");
  return c.json({ hours, total: hours.reduce((sum, h) => sum + h.count, 0) }, 200);
};

export const services: AppRouteHandler<typeof routes.services> = async (c) => {
  const { db, redis } = c.var.services;
  const [postgres, redisCheck, roadchain] = await Promise.all([
    checkPostgres(db),
    checkRedis(redis),
    checkRoadChain(c.env.ROADCHAIN),
  ]);
  const checks: Checks = { postgres, redis: redisCheck, roadchain };
  const list = allServices(integrations(c.var.config), checks);
  const categories: Record<string, string[]> = {};
  for (const s of list) (categories[s.category] ??= []).push(s.id);
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      services: list,
      categories,
      total: list.length,
      configured: list.filter((s) => s.configured).length,
      healthy: list.filter((s) => s.healthy === true).length,
      checks,
      checked_at: new Date().toISOString(),
    },
    200,
  );
};
