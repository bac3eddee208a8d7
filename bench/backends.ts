/**
 * The services behind the Worker during a benchmark: the local cloud (scripts/local-cloud: Neon's
 * HTTP SQL endpoint and WebSocket relay, Upstash's REST API) in its own process, in front of
 *
 *   - a real PostgreSQL when one answers (default: the CI role, postgres://blackroad_ci@127.0.0.1:5432),
 *     in a database of its own (`blackroad_bench`, dropped and re-created every run), else PGlite;
 *   - redis-server when it is on PATH (started by the local cloud), else the embedded engine.
 *
 *   BENCH_DATABASE_URL=postgres://…   admin URL of another PostgreSQL (the bench database is made there)
 *   BENCH_BACKEND=embedded            force PGlite + the embedded Redis engine
 */
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import pg from "pg";
import { applyMigrations } from "../scripts/local-cloud/postgres.ts";
import { type LocalCloudProcess, spawnLocalCloud } from "../scripts/local-cloud/spawn.ts";
import type { SeedResult } from "./seed.ts";

export const BENCH_DATABASE = "blackroad_bench";
/**
 * Seeded once, then cloned for every run (CREATE DATABASE … TEMPLATE: a file copy, ~1 s). Each seed
 * scale has its own (`blackroad_bench_seed_x10` for BENCH_SCALE=10), so switching scales reseeds nothing.
 */
const SEED_DATABASE = "blackroad_bench_seed";
const ROOT = join(import.meta.dirname, "..");
const DEFAULT_ADMIN_URL = "postgres://blackroad_ci@127.0.0.1:5432/blackroad_ci";

export type Backends = {
  cloud: LocalCloudProcess;
  seed: SeedResult;
  /** The seed came from the template database of an earlier run (same seed code, migrations, options). */
  seedCached: boolean;
  /** Direct URL of the bench database (seeding, connection counts). */
  databaseUrl: string;
  kind: { postgres: string; redis: string };
  realPostgres: boolean;
  /**
   * Client connections to the bench database other than our own probe (real PostgreSQL only;
   * autovacuum workers, which come and go on their own, are not connections).
   */
  connectionCount(): Promise<number | null>;
  /** Process ids of the bench database's server backends (CPU accounting; real PostgreSQL only). */
  backendPids(): Promise<number[]>;
  stop(): Promise<void>;
};

export type SeedPlan = {
  run: (databaseUrl: string) => Promise<SeedResult>;
  /** Anything that changes the seeded data (options, keys); the seed code and migrations are added. */
  key: unknown;
  /** Where the seed's result (users, sample hashes) is kept next to the template database. */
  cacheFile: string;
  /** The seed's scale (seed.ts scaledSeedOptions): each scale keeps its own template database. */
  scale?: number;
};

export async function startBackends(plan: SeedPlan): Promise<Backends> {
  const forceEmbedded = process.env.BENCH_BACKEND === "embedded";
  const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  let seedResult: SeedResult | undefined;
  let seedCached = false;
  let benchUrl: string | undefined;
  if (!forceEmbedded) {
    try {
      const prepared = await prepareDatabase(adminUrl, plan);
      ({ url: benchUrl, seed: seedResult, cached: seedCached } = prepared);
    } catch (err) {
      if (!(err instanceof Unreachable)) throw err;
      console.warn(`[bench] no PostgreSQL at ${redact(adminUrl)} (${err.message}); using the embedded PGlite`);
    }
  }
  const redisOnPath = !forceEmbedded && onPath("redis-server");

  const cloud = await spawnLocalCloud({
    ...process.env,
    TEST_DATABASE_URL: benchUrl ?? "",
    REDIS_URL: "",
    LOCAL_CLOUD_REDIS: redisOnPath ? "" : "embedded",
  });
  const databaseUrl = benchUrl ?? cloud.databaseUrl;
  seedResult ??= await plan.run(databaseUrl); // PGlite: seeded in place, every run

  let probe: pg.Client | undefined;
  const client = async () => {
    if (!probe) {
      probe = new pg.Client({ connectionString: databaseUrl });
      await probe.connect();
    }
    return probe;
  };
  return {
    cloud,
    seed: seedResult,
    seedCached,
    databaseUrl,
    kind: cloud.backends,
    realPostgres: benchUrl !== undefined,
    async connectionCount() {
      if (!benchUrl) return null; // PGlite has one session; the proxy's counters tell more
      const { rows } = await (await client()).query(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'",
        [BENCH_DATABASE],
      );
      return rows[0].n as number;
    },
    async backendPids() {
      if (!benchUrl) return [];
      const { rows } = await (await client()).query(
        "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'",
        [BENCH_DATABASE],
      );
      return rows.map((r) => r.pid as number);
    },
    async stop() {
      await probe?.end().catch(() => {});
      await cloud.stop();
    },
  };
}

class Unreachable extends Error {}

/**
 * Real PostgreSQL: (re)builds the seed template when its key changed (or BENCH_RESEED=1), then
 * makes the bench database a fresh copy of it. Nothing else is connected to either database.
 */
async function prepareDatabase(
  adminUrl: string,
  plan: SeedPlan,
): Promise<{ url: string; seed: SeedResult; cached: boolean }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Unreachable(err instanceof Error ? err.message : String(err));
  }
  const urlOf = (name: string) => Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const template = plan.scale && plan.scale !== 1 ? `${SEED_DATABASE}_x${plan.scale}` : SEED_DATABASE;
  try {
    const key = seedKey(plan.key);
    const { rows } = await admin.query(
      "select shobj_description(oid, 'pg_database') as key from pg_database where datname = $1",
      [template],
    );
    const cache = existsSync(plan.cacheFile)
      ? (JSON.parse(readFileSync(plan.cacheFile, "utf8")) as { key: string; seed: SeedResult })
      : undefined;
    let seed: SeedResult;
    let cached = false;
    if (process.env.BENCH_RESEED !== "1" && rows[0]?.key === key && cache?.key === key) {
      seed = cache.seed;
      cached = true;
    } else {
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.query(`create database ${template}`);
      await applyMigrations(urlOf(template));
      seed = await plan.run(urlOf(template));
      mkdirSync(dirname(plan.cacheFile), { recursive: true });
      writeFileSync(plan.cacheFile, JSON.stringify({ key, seed }));
      await admin.query(`comment on database ${template} is '${key}'`);
    }
    await admin.query(`drop database if exists ${BENCH_DATABASE} with (force)`);
    await admin.query(`create database ${BENCH_DATABASE} template ${template}`);
    return { url: urlOf(BENCH_DATABASE), seed, cached };
  } finally {
    await admin.end();
  }
}

/** Hash of the seed's inputs: its options, the seed code, the functions it uses and the migrations. */
function seedKey(options: unknown): string {
  const hash = createHash("sha256").update(JSON.stringify(options));
  const files = [
    "bench/seed.ts",
    ...["amount", "block-hash", "merkle", "proof-of-work", "transaction-hash"].map((f) => `src/services/chain/${f}.ts`),
    "src/lib/crypto/wallet-keys.ts",
    "src/lib/password.ts",
    ...readdirSync(join(ROOT, "drizzle"))
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .map((f) => `drizzle/${f}`),
  ];
  for (const f of files) hash.update(f).update(readFileSync(join(ROOT, f)));
  return hash.digest("hex").slice(0, 32);
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
