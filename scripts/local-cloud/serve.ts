/**
 * Runs the local cloud as its own process and prints one JSON line with its URLs when ready.
 * Test and benchmark harnesses start it this way: Vitest's global setup resolves modules with the
 * Worker's (workerd/browser) conditions, which breaks Node-only packages if imported in-process.
 * Options come from the environment: TEST_DATABASE_URL, REDIS_URL, LOCAL_CLOUD_REDIS=embedded,
 * LOCAL_CLOUD_DATA_DIR, LOCAL_CLOUD_TOKEN, LOCAL_CLOUD_FAULT_LANE=1 (fault-lane.ts).
 */
import { randomBytes } from "node:crypto";
import { startLocalCloud } from "./index.ts";

const cloud = await startLocalCloud({
  dataDir: process.env.LOCAL_CLOUD_DATA_DIR || undefined,
  databaseUrl: process.env.TEST_DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  embeddedRedis: process.env.LOCAL_CLOUD_REDIS === "embedded",
  upstashToken: process.env.LOCAL_CLOUD_TOKEN || randomBytes(24).toString("base64url"),
  faultLane: process.env.LOCAL_CLOUD_FAULT_LANE === "1",
});

process.stdout.write(
  `${JSON.stringify({
    ready: true,
    databaseUrl: cloud.databaseUrl,
    neonProxyUrl: cloud.neonProxyUrl,
    upstashUrl: cloud.upstashUrl,
    upstashToken: cloud.upstashToken,
    backends: cloud.backends,
    faults: cloud.faults,
  })}\n`,
);

// Report protocol counters on request (benchmarks count round trips and leaked sockets).
process.on("SIGUSR2", () => process.stdout.write(`${JSON.stringify({ stats: cloud.stats() })}\n`));

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await cloud.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
// The parent going away (stdin closed) also ends the cloud: no orphaned servers.
process.stdin.on("end", shutdown);
process.stdin.resume();
