/**
 * The local cloud's fault lane: a second Neon proxy and Upstash endpoint, over the same Postgres
 * data and a Redis keyspace of their own, whose connections pass through fault proxies (fault-proxy.ts) that tests switch
 * over HTTP. Tests send only the requests they mean to break through the lane (DATABASE_URL,
 * NEON_PROXY_URL, UPSTASH_REDIS_REST_URL overridden per request), so the rest of the suite, which
 * shares the cloud, never sees a fault.
 *
 *   postgres  Neon proxy -> [fault] -> PostgreSQL (the relays' server connections, HTTP and WebSocket)
 *   redis     Upstash server -> [fault] -> redis-server (its database 1: the lane's Redis data is
 *             its own, so a test may flush it), when a redis-server backs the cloud; with the
 *             embedded engine (no TCP to break there) Worker -> [fault] -> an Upstash server of its own
 *
 * Control (loopback): PUT /faults/postgres or /faults/redis with a Fault (fault-proxy.ts) as JSON
 * sets it (204); GET /faults reports both and which hop the Redis fault breaks.
 */
import { createServer, type IncomingMessage } from "node:http";
import { type Fault, type FaultProxy, startFaultProxy } from "./fault-proxy.ts";
import { startNeonProxy } from "./neon-proxy.ts";
import { startUpstashServer } from "./upstash-server.ts";

export type FaultLane = {
  /** DATABASE_URL / NEON_PROXY_URL / UPSTASH_REDIS_REST_URL for requests that go through the faults. */
  databaseUrl: string;
  neonProxyUrl: string;
  upstashUrl: string;
  /** Base URL of the control endpoint. */
  controlUrl: string;
  close(): Promise<void>;
};

const MODES = new Set(["none", "latency", "reset", "blackhole", "slow-close"]);

export async function startFaultLane(opts: {
  /** The backend Postgres URL (what the main Neon proxy relays to). */
  postgresUrl: string;
  /** The redis-server behind the main Upstash server, if any. */
  redisUrl?: string;
  upstashToken: string;
}): Promise<FaultLane> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    const pgTarget = new URL(opts.postgresUrl);
    const postgres = await startFaultProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
    closers.push(postgres.close);
    const laneBackend = new URL(opts.postgresUrl);
    laneBackend.hostname = "127.0.0.1";
    laneBackend.port = String(postgres.port);
    const neon = await startNeonProxy({ databaseUrl: laneBackend.toString() });
    closers.push(neon.close);

    // The lane's Redis is a keyspace of its own (database 1 of the redis-server, or an engine of
    // its own), so a test may flush it or fill it without touching the rest of the suite.
    let redis: FaultProxy;
    let upstashUrl: string;
    let redisHop: string;
    if (opts.redisUrl) {
      const target = new URL(opts.redisUrl);
      redis = await startFaultProxy({ host: target.hostname, port: Number(target.port || 6379) });
      closers.push(redis.close);
      const laneRedis = new URL(opts.redisUrl);
      laneRedis.hostname = "127.0.0.1";
      laneRedis.port = String(redis.port);
      laneRedis.pathname = "/1";
      const upstash = await startUpstashServer({ token: opts.upstashToken, redisUrl: laneRedis.toString() });
      closers.push(upstash.close);
      upstashUrl = upstash.url;
      redisHop = "upstash-server -> redis-server (database 1)";
    } else {
      const upstash = await startUpstashServer({ token: opts.upstashToken });
      closers.push(upstash.close);
      const target = new URL(upstash.url);
      redis = await startFaultProxy({ host: target.hostname, port: Number(target.port) });
      closers.push(redis.close);
      upstashUrl = `http://127.0.0.1:${redis.port}`;
      redisHop = "worker -> upstash-server (an embedded engine of its own)";
    }

    const proxies: Record<string, FaultProxy> = { postgres, redis };
    const control = createServer((req, res) => {
      const reply = (status: number, body?: unknown) => {
        const text = body === undefined ? "" : JSON.stringify(body);
        res.writeHead(status, { "content-type": "application/json" }).end(text);
      };
      const name = /^\/faults\/(postgres|redis)$/.exec(req.url ?? "")?.[1];
      if (req.method === "GET" && req.url === "/faults")
        return reply(200, { postgres: postgres.get(), redis: redis.get(), redisHop });
      if (req.method !== "PUT" || !name) return reply(404, { error: "PUT /faults/{postgres|redis} or GET /faults" });
      void readJson(req).then((fault) => {
        if (!isFault(fault)) return reply(400, { error: "body must be a Fault: {mode, ms?, trigger?}" });
        proxies[name]!.set(fault);
        reply(204);
      });
    });
    await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
    closers.push(async () => {
      control.closeAllConnections();
      await new Promise<void>((resolve) => control.close(() => resolve()));
    });

    return {
      databaseUrl: neon.databaseUrl,
      neonProxyUrl: neon.url,
      upstashUrl,
      controlUrl: `http://127.0.0.1:${(control.address() as { port: number }).port}`,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function isFault(v: unknown): v is Fault {
  const f = v as Fault | null;
  if (!f || typeof f !== "object" || !MODES.has(f.mode)) return false;
  if (f.ms !== undefined && (typeof f.ms !== "number" || f.ms < 0)) return false;
  const t = f.trigger;
  return t === undefined || (typeof t.match === "string" && t.match !== "" && ["request", "reply"].includes(t.drop));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
