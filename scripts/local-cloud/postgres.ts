/**
 * The local cloud's Postgres: PGlite (Postgres compiled to WASM) served over the wire protocol by
 * default, or a real PostgreSQL when a URL is given. Development and test tooling only.
 *
 * PGlite is a single-session database. pglite-socket multiplexes several TCP connections onto it,
 * holding the database for one connection from BEGIN to COMMIT/ROLLBACK; outside a transaction it
 * interleaves statements from different connections. PGlite has no authentication, so the Neon
 * driver connects without the (slow, JavaScript) SCRAM exchange, as with `trust` on a real server.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";

export type StartedPostgres = {
  /** postgres:// URL of the server; user/password are ignored by PGlite. */
  url: string;
  backend: "pglite" | "postgres";
  close(): Promise<void>;
};

/** Concurrent connections PGlite accepts: Neon proxy pool + per-request WebSocket pools + tests. */
const PGLITE_MAX_CONNECTIONS = 100;

const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

export async function startPostgres(opts: { dataDir?: string; databaseUrl?: string }): Promise<StartedPostgres> {
  if (opts.databaseUrl) {
    await checkAnswers(opts.databaseUrl);
    // Not ours to stop: the caller (or CI) owns the real server.
    return { url: opts.databaseUrl, backend: "postgres", close: async () => {} };
  }

  // Imported lazily so that the real-PostgreSQL path never loads the WASM build.
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: PGLITE_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  // getServerConn() reports the OS-assigned port once listening ("127.0.0.1:54321").
  const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
  await checkAnswers(url);
  return {
    url,
    backend: "pglite",
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/** Applies drizzle-kit's migrations from `drizzle/` (idempotent: applied ones are recorded). */
export async function applyMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}

/**
 * Real PostgreSQL only: creates database `name` on the server of `adminUrl` unless it exists, and
 * returns the URL of that database (same credentials). Tests use their own database this way.
 */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
      } catch (err) {
        // Two processes racing to create it: the loser sees duplicate_database or unique_violation.
        const code = (err as { code?: string }).code;
        if (code !== "42P04" && code !== "23505") throw err;
      }
    }
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

async function checkAnswers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`Postgres at ${redact(url)} does not answer: ${message}`, { cause: err });
  } finally {
    await client.end().catch(() => {});
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
