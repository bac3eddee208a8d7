/**
 * The local cloud: Neon and Upstash stand-ins so the Worker runs unchanged on a laptop or in CI.
 *
 *   Postgres   PGlite (Postgres in WASM) served over the wire protocol, or a real PostgreSQL (DATABASE_URL)
 *   Neon proxy Neon's HTTP SQL endpoint (/sql) + WebSocket relay, in front of that Postgres
 *   Upstash    Upstash's REST protocol, in front of a real redis-server (REDIS_URL or found on PATH)
 *              or an embedded engine when no Redis exists
 *
 * Development and test tooling only: nothing here is bundled into the Worker.
 */
import { join } from "node:path";
import { type FaultLane, startFaultLane } from "./fault-lane.ts";
import { startNeonProxy } from "./neon-proxy.ts";
import { applyMigrations, startPostgres } from "./postgres.ts";
import { startRedisServer } from "./redis-server.ts";
import { startUpstashServer } from "./upstash-server.ts";

export type LocalCloudOptions = {
  /** Persist data here; in-memory when omitted. */
  dataDir?: string;
  /** Use this PostgreSQL instead of the embedded PGlite. */
  databaseUrl?: string;
  /** Use this Redis instead of starting redis-server or the embedded engine. */
  redisUrl?: string;
  /** Skip redis-server even when installed (what a machine with only Node gets). */
  embeddedRedis?: boolean;
  postgresPort?: number;
  neonProxyPort?: number;
  upstashPort?: number;
  upstashToken: string;
  /** Also start the fault lane (fault-lane.ts): the tests' switchable broken paths to the same data. */
  faultLane?: boolean;
};

export type LocalCloud = {
  databaseUrl: string;
  neonProxyUrl: string;
  upstashUrl: string;
  upstashToken: string;
  backends: { postgres: string; redis: string };
  faults?: Omit<FaultLane, "close">;
  stats(): { httpQueries: number; openSockets: number; redisCommands: number };
  close(): Promise<void>;
};

export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const closers: Array<() => Promise<void>> = [];
  try {
    const postgres = await startPostgres({
      dataDir: opts.dataDir && join(opts.dataDir, "pglite"),
      databaseUrl: opts.databaseUrl,
      port: opts.postgresPort,
    });
    closers.push(postgres.close);
    await applyMigrations(postgres.url);

    const proxy = await startNeonProxy({ port: opts.neonProxyPort, databaseUrl: postgres.url });
    closers.push(proxy.close);

    let redisUrl = opts.redisUrl;
    let redisBackend = redisUrl ? `redis at ${redact(redisUrl)}` : "";
    if (!redisUrl && !opts.embeddedRedis) {
      const server = await startRedisServer({ dataDir: opts.dataDir && join(opts.dataDir, "redis") });
      if (server) {
        closers.push(server.close);
        redisUrl = server.url;
        redisBackend = `redis-server (started, ${server.url})`;
      }
    }
    const upstash = await startUpstashServer({ port: opts.upstashPort, token: opts.upstashToken, redisUrl });
    closers.push(upstash.close);
    let faults: FaultLane | undefined;
    if (opts.faultLane) {
      faults = await startFaultLane({
        postgresUrl: postgres.url,
        redisUrl,
        upstashToken: opts.upstashToken,
      });
      closers.push(faults.close);
    }
    if (upstash.backend === "embedded") {
      redisBackend = opts.embeddedRedis
        ? "embedded engine (LOCAL_CLOUD_REDIS=embedded)"
        : "embedded engine (no redis-server on PATH; install one for a real Redis)";
    }

    return {
      databaseUrl: proxy.databaseUrl, // with the password the proxy checks, as on Neon
      neonProxyUrl: proxy.url,
      upstashUrl: upstash.url,
      upstashToken: opts.upstashToken,
      backends: {
        postgres:
          postgres.backend === "pglite"
            ? `PGlite (${opts.dataDir ? "persisted" : "in memory"})`
            : `PostgreSQL at ${redact(postgres.url)}`,
        redis: redisBackend,
      },
      faults: faults && {
        databaseUrl: faults.databaseUrl,
        neonProxyUrl: faults.neonProxyUrl,
        upstashUrl: faults.upstashUrl,
        controlUrl: faults.controlUrl,
      },
      stats: () => ({ ...proxy.stats(), redisCommands: upstash.commandCount() }),
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: Array<() => Promise<void>>) {
  for (const close of closers.reverse()) await close().catch(() => {});
}

function redact(url: string) {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
