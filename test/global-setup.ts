/**
 * Runs in Node before the workerd test project: starts the local cloud (in its own process, see
 * scripts/local-cloud/serve.ts) and hands its URLs to the Worker's bindings (vitest.config.ts).
 * TEST_DATABASE_URL / REDIS_URL switch from the embedded default to a real PostgreSQL / Redis.
 */
import type { TestProject } from "vitest/node";
import { spawnLocalCloud } from "../scripts/local-cloud/spawn.ts";
import { assertEveryKeyExpires } from "./redis-ttl-audit.ts";

export default async function setup(project: TestProject) {
  // The fault lane: test/integration/faults*.test.ts break Postgres and Redis through it, alone.
  const cloud = await spawnLocalCloud({ ...process.env, LOCAL_CLOUD_FAULT_LANE: "1" });
  if (!cloud.faults) throw new Error("the local cloud started without its fault lane");
  console.log(`[local cloud] postgres: ${cloud.backends.postgres}; redis: ${cloud.backends.redis}`);
  project.provide("localCloud", {
    databaseUrl: cloud.databaseUrl,
    neonProxyUrl: cloud.neonProxyUrl,
    upstashUrl: cloud.upstashUrl,
    upstashToken: cloud.upstashToken,
    faults: cloud.faults,
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
    localCloud: {
      databaseUrl: string;
      neonProxyUrl: string;
      upstashUrl: string;
      upstashToken: string;
      faults: { databaseUrl: string; neonProxyUrl: string; upstashUrl: string; controlUrl: string };
    };
  }
}
