/**
 * Runs in Node before the workerd test project: starts the local cloud on free ports and hands
 * its URLs to the Worker's bindings (see vitest.config.ts). TEST_DATABASE_URL / REDIS_URL switch
 * from the embedded default to a real PostgreSQL / Redis.
 */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startLocalCloud } from "../scripts/local-cloud/index.ts";

export default async function setup(project: TestProject) {
  const cloud = await startLocalCloud({
    databaseUrl: process.env.TEST_DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    embeddedRedis: process.env.LOCAL_CLOUD_REDIS === "embedded",
    upstashToken: randomBytes(24).toString("base64url"),
  });
  console.log(`[local cloud] postgres: ${cloud.backends.postgres}; redis: ${cloud.backends.redis}`);
  project.provide("localCloud", {
    databaseUrl: cloud.databaseUrl,
    neonProxyUrl: cloud.neonProxyUrl,
    upstashUrl: cloud.upstashUrl,
    upstashToken: cloud.upstashToken,
  });
  return () => cloud.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    localCloud: { databaseUrl: string; neonProxyUrl: string; upstashUrl: string; upstashToken: string };
  }
}
