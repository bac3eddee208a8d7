import { z } from "@hono/zod-openapi";

export const VersionSchema = z
  .object({
    version: z.string(),
    build_time: z.string().nullable(),
    environment: z.string(),
    git_sha: z.string().nullable(),
    runtime: z.literal("cloudflare-workers"),
  })
  .openapi("Version");

export const PublicConfigSchema = z
  .object({
    environment: z.string(),
    app_name: z.string(),
    version: z.string(),
    features: z.record(z.string(), z.boolean()),
    limits: z.object({
      session_timeout_seconds: z.number(),
      access_token_expire_minutes: z.number(),
      refresh_token_expire_days: z.number(),
      max_body_bytes: z.number(),
      max_page_size: z.number(),
    }),
    external_services: z.record(z.string(), z.object({ configured: z.boolean() })),
  })
  .openapi("PublicConfig");

export const ApiIndexSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    docs: z.string(),
    openapi: z.string(),
    sections: z.array(z.object({ name: z.string(), path: z.string(), description: z.string() })),
  })
  .openapi("ApiIndex");
