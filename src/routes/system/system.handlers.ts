import { integrations } from "../../config.ts";
import { MAX_PAGE_SIZE } from "../../lib/pagination.ts";
import { MAX_BODY_BYTES } from "../../middleware/http-guards.ts";
import type { AppRouteHandler } from "../../types.ts";
import { APP_NAME, APP_VERSION } from "../../version.ts";
import type { apiIndex, publicConfig, systemVersion, version } from "./system.routes.ts";

/** Sessions slide for this long after the last request (seed: `session:{user_id}`, TTL 1 hour). */
export const SESSION_TTL_SECONDS = 3600;

const versionBody = (config: { ENVIRONMENT: string; GIT_SHA?: string; BUILD_TIME?: string }) => ({
  version: APP_VERSION,
  build_time: config.BUILD_TIME ?? null,
  environment: config.ENVIRONMENT,
  git_sha: config.GIT_SHA ?? null,
  runtime: "cloudflare-workers" as const,
});

export const getVersion: AppRouteHandler<typeof version> = (c) => c.json(versionBody(c.var.config), 200);
export const getSystemVersion: AppRouteHandler<typeof systemVersion> = (c) => c.json(versionBody(c.var.config), 200);

export const getPublicConfig: AppRouteHandler<typeof publicConfig> = (c) => {
  const config = c.var.config;
  const external = integrations(config);
  return c.json(
    {
      environment: config.ENVIRONMENT,
      app_name: APP_NAME,
      version: APP_VERSION,
      features: {
        auth: true,
        roadchain: true,
        email: true,
        social: true,
        video: true,
        miner: true,
        dashboard: true,
        ai_chat: external.openai,
        github_integration: external.github,
        payments: external.stripe,
      },
      limits: {
        session_timeout_seconds: SESSION_TTL_SECONDS,
        access_token_expire_minutes: config.ACCESS_TOKEN_EXPIRE_MINUTES,
        refresh_token_expire_days: config.REFRESH_TOKEN_EXPIRE_DAYS,
        max_body_bytes: MAX_BODY_BYTES,
        max_page_size: MAX_PAGE_SIZE,
      },
      external_services: Object.fromEntries(Object.entries(external).map(([k, v]) => [k, { configured: v }])),
    },
    200,
  );
};

const SECTIONS = [
  { name: "System", path: "/api/system", description: "Version and public configuration" },
  { name: "Health", path: "/api/health/summary", description: "Dependency health" },
  { name: "Auth", path: "/api/auth", description: "Register, login, refresh, sessions" },
  { name: "RoadChain", path: "/api/blockchain", description: "Blocks, wallets, transactions, verification" },
  { name: "RoadMail", path: "/api/email", description: "Mail folders, messages, drafts" },
  { name: "Social", path: "/api/social", description: "Feed, posts, comments, follows" },
  { name: "BlackStream", path: "/api/video", description: "Videos, views, likes, comments" },
  { name: "AI chat", path: "/api/ai_chat", description: "Conversations with an OpenAI-compatible model" },
  { name: "Miner", path: "/api/miner", description: "Mine RoadChain blocks" },
  { name: "Dashboard", path: "/api/dashboard", description: "Overview of every app" },
  { name: "Prism", path: "/api/prism", description: "Admin console API" },
];

export const getApiIndex: AppRouteHandler<typeof apiIndex> = (c) =>
  c.json(
    { name: APP_NAME, version: APP_VERSION, docs: "/api/docs", openapi: "/api/openapi.json", sections: SECTIONS },
    200,
  );
