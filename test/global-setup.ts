/**
 * Runs in Node before the workerd test project: starts the local cloud (in its own process, see
 * scripts/local-cloud/serve.ts) and hands its URLs to the Worker's bindings (vitest.config.ts).
 * TEST_DATABASE_URL / REDIS_URL switch from the embedded default to a real PostgreSQL / Redis.
 */
import type { TestProject } from "vitest/node";
import { spawnLocalCloud } from "../scripts/local-cloud/spawn.ts";
import { assertEveryKeyExpires } from "./redis-ttl-audit.ts";

export default async function setup(project: TestProject) {
  const cloud = await spawnLocalCloud();
  console.log(`[local cloud] postgres: ${cloud.backends.postgres}; redis: ${cloud.backends.redis}`);
  project.provide("localCloud", {
    databaseUrl: cloud.databaseUrl,
    neonProxyUrl: cloud.neonProxyUrl,
    upstashUrl: cloud.upstashUrl,
    upstashToken: cloud.upstashToken,
  });
  return async () => {
    try {
      // Every key the Worker wrote must expire (or be documented as permanent): fails the run otherwise.
      await assertEveryKeyExpires({ url: cloud.upstashUrl, token: cloud.upstashToken });
    } finally {
      await cloud.stop();
    }
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    localCloud: { databaseUrl: string; neonProxyUrl: string; upstashUrl: string; upstashToken: string };
  }
}
