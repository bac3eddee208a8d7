/**
 * The local cloud's Postgres: PGlite (Postgres compiled to WASM) served over the wire protocol by
 * default, or a real PostgreSQL when a URL is given. Development and test tooling only.
 *
 * PGlite is a single-session database, so many TCP clients must take turns. We serve it ourselves
 * rather than with pglite-socket (0.2.x), whose multiplexer runs each protocol message as its own
 * turn: under concurrency one client's Parse lands between another's Parse and Bind and queries
 * fail ("unnamed prepared statement does not exist", "portal does not exist"). Here a turn is a
 * whole request (messages up to Sync/Query/Flush), and a client inside a transaction keeps the
 * database until it commits, rolls back or disconnects (then we roll back for it). PGlite has no
 * authentication, so the Neon driver connects without the (slow, JavaScript) SCRAM exchange.
 */
import { mkdirSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { honourStatementTimeout } from "./pglite-fidelity.ts";

export type StartedPostgres = {
  /** postgres:// URL of the server; user/password are ignored by PGlite. */
  url: string;
  backend: "pglite" | "postgres";
  close(): Promise<void>;
};

const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** `port` fixes PGlite's port (npm run dev, so .dev.vars can name it); 0 or absent picks a free one. */
export async function startPostgres(opts: {
  dataDir?: string;
  databaseUrl?: string;
  port?: number;
}): Promise<StartedPostgres> {
  if (opts.databaseUrl) {
    await checkAnswers(opts.databaseUrl);
    // Not ours to stop: the caller (or CI) owns the real server.
    return { url: opts.databaseUrl, backend: "postgres", close: async () => {} };
  }

  // Imported lazily so that the real-PostgreSQL path never loads the WASM build.
  const { PGlite } = await import("@electric-sql/pglite");
  // unaccent: the search configuration's dictionary (migration `search`); PGlite loads contrib on demand.
  const { unaccent } = await import("@electric-sql/pglite/contrib/unaccent");
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), extensions: { unaccent } });
  await honourStatementTimeout(db);
  let server: Awaited<ReturnType<typeof servePglite>>;
  try {
    server = await servePglite(db, opts.port ?? 0);
  } catch (err) {
    await db.close();
    throw err;
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`;
  await checkAnswers(url);
  return {
    url,
    backend: "pglite",
    close: async () => {
      await server.close();
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

// ---- PGlite over TCP -----------------------------------------------------------------------

type Session = { socket: Socket; buffer: Buffer; started: boolean; messages: Buffer[] };
type Turn = { session: Session; messages: Buffer[]; cleanup?: boolean };

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);
const ROLLBACK = Buffer.concat([Buffer.from([0x51, 0, 0, 0, 13]), Buffer.from("rollback\0")]);

async function servePglite(db: PGlite, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sessions = new Set<Session>();
  const turns: Turn[] = [];
  let owner: Session | undefined; // holds the database: open transaction or unfinished request
  let running = false;

  async function pump() {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const next = turns.findIndex((t) => !owner || t.session === owner);
        if (next < 0) break;
        const [turn] = turns.splice(next, 1);
        await db.runExclusive(() => run(turn!)).catch(() => (owner = undefined));
      }
    } finally {
      running = false;
    }
  }

  async function run({ session, messages, cleanup }: Turn) {
    if (cleanup) {
      // The owner vanished: end whatever it left open, discarding the output. (Raw messages:
      // db.exec() would wait for the lock we hold.)
      await db.execProtocolRaw(SYNC);
      await db.execProtocolRaw(ROLLBACK);
      owner = undefined;
      return;
    }
    // The whole request in one call: PGlite runs every message in the buffer (half the cost of
    // one call per message).
    const out = await db.execProtocolRaw(messages.length === 1 ? messages[0]! : Buffer.concat(messages));
    if (out.length && !session.socket.destroyed) session.socket.write(out);
    // A request ends with ReadyForQuery ('Z', length 5, status): I(dle), T(ransaction), E(rror).
    const done = out.length >= 6 && out[out.length - 6] === 0x5a;
    owner = !done || out[out.length - 1] !== 0x49 ? session : undefined;
    // It disconnected while we ran its request: clean up for it before anyone else goes.
    if (owner === session && !sessions.has(session)) turns.unshift({ session, messages: [], cleanup: true });
  }

  function onData(session: Session, chunk: Buffer) {
    session.buffer = Buffer.concat([session.buffer, chunk]);
    for (;;) {
      const b = session.buffer;
      if (!session.started) {
        // Startup packets: int32 length, int32 code, no type byte.
        if (b.length < 8 || b.length < b.readInt32BE(0)) return;
        const length = b.readInt32BE(0);
        const code = b.readInt32BE(4);
        session.buffer = b.subarray(length);
        if (code === 80877103 || code === 80877104)
          session.socket.write("N"); // no SSL/GSS
        else if (code === 80877102)
          return void session.socket.destroy(); // cancel: unsupported
        else {
          session.started = true;
          turns.push({ session, messages: [b.subarray(0, length)] });
        }
        continue;
      }
      if (b.length < 5 || b.length < 1 + b.readInt32BE(1)) break;
      const message = b.subarray(0, 1 + b.readInt32BE(1));
      session.buffer = b.subarray(message.length);
      const type = message[0];
      if (type === 0x58) return void session.socket.end(); // Terminate: hang up, like Postgres
      session.messages.push(message);
      // Sync, Query, Flush and FunctionCall end a request: the client waits for the answer.
      if (type === 0x53 || type === 0x51 || type === 0x48 || type === 0x46) {
        turns.push({ session, messages: session.messages });
        session.messages = [];
      }
    }
    void pump();
  }

  function onClose(session: Session) {
    if (!sessions.delete(session)) return;
    for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.session === session) turns.splice(i, 1);
    if (owner === session) turns.unshift({ session, messages: [], cleanup: true });
    void pump();
  }

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const session: Session = { socket, buffer: Buffer.alloc(0), started: false, messages: [] };
    sessions.add(session);
    socket.on("data", (chunk: Buffer) => onData(session, chunk));
    socket.on("close", () => onClose(session));
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sessions) s.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      while (running) await new Promise((r) => setTimeout(r, 10)); // let the current turn finish
    },
  };
}
