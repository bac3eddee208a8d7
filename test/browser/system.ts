/**
 * The whole system for the browser tests, started exactly the way `npm run dev` starts it
 * (scripts/dev.ts: local cloud + wrangler dev with Workers Assets), but as a throwaway second copy
 * that leaves a developer's running system alone: free ports, its own vars file, in-memory local
 * cloud, its own wrangler state (Durable Objects), all under a temp directory removed afterwards.
 *
 * Backends follow the rest of the suite: the embedded PGlite by default, or a real PostgreSQL
 * (TEST_DATABASE_URL: a fresh database `blackroad_browser_<pid>` on that server, dropped afterwards) and a real Redis
 * (REDIS_URL: a logical database of its own among 3–15, emptied first, so cached keys and
 * rate-limit counters never meet the Worker tests', another browser file's or an earlier run's);
 * LOCAL_CLOUD_REDIS=embedded passes through to the local cloud.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Redis from "ioredis";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser.ts";

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);

export type TestSystem = {
  url: string;
  /** scripts/dev.ts's process id (its own process group). */
  pid: number;
  /** The system's Postgres, for scripts/make-admin.ts. */
  databaseUrl: string;
  /** Everything dev.ts printed so far. */
  log(): string;
  makeAdmin(username: string): Promise<string>;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs one statement on the server of TEST_DATABASE_URL. */
async function onServer(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An empty database of our own on that server (the chain must start empty, and runs must not meet). */
async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  await onServer(adminUrl, `drop database if exists "${name}" with (force)`);
  await onServer(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Sends `signal` to the whole process group (dev.ts, npx, wrangler, workerd, redis-server). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-child.pid!, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

const groupAlive = (child: ChildProcess) => signalGroup(child, 0 as unknown as NodeJS.Signals);

/**
 * `extraVars` are added to the Worker's vars (e.g. METRICS_TOKEN for the metrics tests); `redisUrl`: a
 * Redis of the caller's own (for example one it will stop), instead of REDIS_URL's.
 */
export async function startSystem(
  extraVars: Record<string, string> = {},
  opts: { redisUrl?: string } = {},
): Promise<TestSystem> {
  const dir = mkdtempSync(join(tmpdir(), "blackroad-browser-"));
  const [port, postgresPort, neonPort, upstashPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const url = `http://127.0.0.1:${port}`;
  const adminUrl = process.env.TEST_DATABASE_URL;
  const dbName = `blackroad_browser_${process.pid}`;
  const databaseUrl = adminUrl
    ? await freshDatabase(adminUrl, dbName)
    : `postgres://postgres:postgres@127.0.0.1:${postgresPort}/postgres`;
  let redisUrl: string | undefined = opts.redisUrl;
  if (!redisUrl && process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      // Browser test files run in parallel, each with its own system: each takes a logical database
      // of its own (3–15, handed out by a counter), so one file's FLUSHDB never wipes another's
      // sessions and their rate-limit counters never add up.
      const db = 3 + ((await redis.incr("blackroad:browser-test-databases")) % 13);
      await redis.expire("blackroad:browser-test-databases", 24 * 3600); // every key expires (docs/configuration.md, Redis keys)
      await redis.select(db);
      await redis.flushdb();
      const u = new URL(process.env.REDIS_URL);
      u.pathname = `/${db}`;
      redisUrl = u.toString();
    } finally {
      redis.disconnect();
    }
  }

  // What `npm run dev` writes to .dev.vars, with the test's ports and cheap settings
  // (bcrypt cost 4, one leading zero of proof of work) so the flows stay fast.
  const vars: Record<string, string> = {
    ENVIRONMENT: "development",
    DEBUG: "false",
    ALLOWED_ORIGINS: url,
    API_BASE_URL: url,
    GIT_SHA: "browser-test",
    DATABASE_URL: databaseUrl,
    NEON_PROXY_URL: `http://127.0.0.1:${neonPort}`,
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${upstashPort}`,
    UPSTASH_REDIS_REST_TOKEN: `browser-test-${Math.random().toString(36).slice(2)}-token`,
    SECRET_KEY: "browser-test-secret-key-0123456789abcdef0123456789",
    WALLET_MASTER_KEY: "browser-test-wallet-master-key-0123456789abcdef012",
    BCRYPT_ROUNDS: "4",
    BLOCKCHAIN_DIFFICULTY: "1",
    BLOCKCHAIN_MAX_DIFFICULTY: "2",
    // Metrics on, as an operator would run it: Prism's Observability page charts them.
    METRICS_TOKEN: "browser-test-metrics-token-0123456789abcdef",
    ...extraVars,
  };
  const varsFile = join(dir, "dev.vars");
  writeFileSync(
    varsFile,
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  mkdirSync(join(dir, "wrangler"));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    POSTGRES_PORT: String(postgresPort),
    NEON_PROXY_PORT: String(neonPort),
    UPSTASH_PORT: String(upstashPort),
    DEV_VARS_FILE: varsFile,
    LOCAL_CLOUD_DATA_DIR: ":memory:",
    WRANGLER_PERSIST_TO: join(dir, "wrangler"),
    DATABASE_URL: adminUrl ? databaseUrl : "",
    REDIS_URL: redisUrl ?? "",
    // wrangler: no colours, no telemetry from a test run.
    WRANGLER_SEND_METRICS: "false",
    NO_COLOR: "1",
  };
  // detached: its own process group, so teardown reaches every process it started.
  const child = spawn(process.execPath, [join(root, "scripts/dev.ts")], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.off("exit", killOnExit);
    signalGroup(child, "SIGTERM");
    // dev.ts stops wrangler and the local cloud on SIGTERM; anything still around after 10 s is killed.
    for (let i = 0; i < 100 && groupAlive(child); i++) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(child)) signalGroup(child, "SIGKILL");
    for (let i = 0; i < 30 && groupAlive(child); i++) await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
    if (adminUrl) await onServer(adminUrl, `drop database if exists "${dbName}" with (force)`).catch(() => {});
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the system did not start within 180 s")), 180_000);
      const onData = () => {
        if (/BlackRoad OS is running/.test(output)) {
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`scripts/dev.ts exited with code ${code} before it was ready`));
      });
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- dev.ts output ---\n${output.slice(-4000)}`);
  }

  return {
    url,
    pid: child.pid!,
    databaseUrl,
    log: () => output,
    async makeAdmin(username) {
      const { stdout } = await run(process.execPath, [join(root, "scripts/make-admin.ts"), username], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      });
      return stdout;
    },
    stop,
  };
}

/**
 * A test file's system and browser: both started before its tests (in parallel) and stopped after
 * them. Read `.system` and `.browser` inside tests and hooks, once they have started.
 */
export function systemAndBrowser(extraVars: Record<string, string> = {}): {
  readonly system: TestSystem;
  readonly browser: Browser;
} {
  const started: { system?: TestSystem; browser?: Browser } = {};
  beforeAll(async () => {
    const [s, b] = await Promise.allSettled([startSystem(extraVars), launchBrowser()]);
    if (s.status === "fulfilled") started.system = s.value;
    if (b.status === "fulfilled") started.browser = b.value;
    if (s.status === "rejected") throw s.reason;
    if (b.status === "rejected") throw b.reason;
  }, 240_000);
  afterAll(async () => {
    await started.browser?.close();
    await started.system?.stop();
  }, 30_000);
  return {
    get system() {
      if (!started.system) throw new Error("the system has not started");
      return started.system;
    },
    get browser() {
      if (!started.browser) throw new Error("the browser has not started");
      return started.browser;
    },
  };
}
