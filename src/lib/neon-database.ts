/**
 * Postgres for the Worker: one object, two transports, chosen per call.
 *
 * - One-shot queries and `db.batch([...])` go over Neon's HTTP SQL endpoint (drizzle `neon-http`):
 *   one fetch per query/batch, no connection set-up. This is the hot path.
 * - `db.transaction(async (tx) => ...)` needs a session (SELECT … FOR UPDATE, read-then-write), so
 *   it runs on a WebSocket `Pool` (drizzle `neon-serverless`) created on first use in the request.
 *   When no statement needs JavaScript to look at an earlier one's result, the whole transaction
 *   can be a `db.batch` instead (Neon runs a batch as one transaction; locks included): one fetch,
 *   and locks held for one round trip, not one per statement. Transfers work this way.
 *
 * Why a pool per request: Workers cannot share I/O objects (sockets) between requests, so a pool
 * that outlived its request would break the next one. The pool is ended through `ctx.waitUntil`
 * (the response never waits for it) by `$close()`, which the services middleware should call when
 * the request ends, or else automatically once no transaction has run for POOL_IDLE_MS.
 *
 * Runs in workerd: no Node APIs here. Loaded on first use through db.ts (`openDatabase`,
 * `loadDatabaseDriver`), never imported directly: Neon's client costs ~15 ms of start-up.
 */
import { Client, type ClientConfig, type NeonConfig, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle as drizzleHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { drizzle as drizzleWs, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { PgTransactionConfig } from "drizzle-orm/pg-core";
import * as schema from "../db/schema/index.ts";
import type { Database, DatabaseEnv, Schema, Transaction } from "./db-types.ts";
import { timed } from "./metrics/record.ts";

/** Every query has a deadline, so a dead database is a quick error, never a hang. */
const QUERY_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** Server-side limit, below the client-side one so Postgres cancels first (SQLSTATE 57014). */
const STATEMENT_TIMEOUT_MS = 9_000;
/** Safety net when `$close()` is not called: end the pool this long after its last transaction. */
const POOL_IDLE_MS = 10;

// HAZARD: `neon()` reads its endpoint and fetch function only from the global neonConfig; there is
// no per-instance option. So we install one stateless fetch function per isolate, and every setting
// that depends on the environment travels in each neon() instance's `fetchOptions` (below). Nothing
// request- or database-specific is ever stored in the global.
const ENDPOINT = "blackroadEndpoint";
const DEADLINE = "blackroadDeadlineMs";
neonConfig.fetchFunction = (url: string, init: RequestInit & Record<string, unknown>) => {
  const { [ENDPOINT]: endpoint, [DEADLINE]: ms, ...rest } = init;
  const timeout = AbortSignal.timeout(typeof ms === "number" ? ms : QUERY_TIMEOUT_MS);
  const signal = rest.signal ? AbortSignal.any([rest.signal, timeout]) : timeout;
  return timed("postgres", () => fetch(typeof endpoint === "string" ? endpoint : url, { ...rest, signal }));
};

type SocketOptions = Partial<Pick<NeonConfig, "wsProxy" | "useSecureWebSocket" | "pipelineConnect" | "coalesceWrites">>;

/**
 * A Client whose WebSocket settings come from its config, not from the global neonConfig, and
 * whose transactions carry a server-side deadline.
 */
class ConfiguredClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    Object.assign(this.neonConfig, (config as { socket?: SocketOptions } | undefined)?.socket);
    // With the password pipelined, connect() resolves before the server has accepted it; a refusal
    // (wrong password, missing database) then fails the pending query and closes the socket, which
    // a client emits as an 'error' event: without a listener that is an uncaught exception.
    this.on("error", () => {});
  }

  // drizzle opens every transaction with a parameterless `begin …` (simple protocol, so several
  // statements are allowed): the deadline rides along in the same message, no extra round trip.
  // SET LOCAL, not a startup parameter: Neon ignores (direct) or rejects (pooler) those.
  override query(...args: any[]): any {
    const [config, values] = args;
    if (typeof config?.text === "string" && /^begin\b/i.test(config.text) && !(values ?? config.values)?.length) {
      args[0] = { ...config, text: `${config.text}; set local statement_timeout = ${STATEMENT_TIMEOUT_MS}` };
    }
    return (super.query as (...a: any[]) => any)(...args);
  }
}
class ConfiguredPool extends Pool {
  override Client = ConfiguredClient; // the Pool builds its clients from this class
}

/**
 * The HTTP-path drizzle instance holds no I/O object, so one per isolate is shared by all requests
 * (building it costs ~150 µs: too much per request on a ~1 ms route).
 */
const httpDatabases = new Map<string, NeonHttpDatabase<Schema>>();
const preparedQueries = new WeakMap<NeonHttpDatabase<Schema>, Map<string, unknown>>();

function httpDatabase(env: DatabaseEnv, proxy: URL | undefined): NeonHttpDatabase<Schema> {
  const key = `${env.DATABASE_URL}\n${proxy?.href ?? ""}`;
  let db = httpDatabases.get(key);
  if (!db) {
    const client = neon(env.DATABASE_URL, {
      fetchOptions: { [ENDPOINT]: proxy && new URL("/sql", proxy).href, [DEADLINE]: QUERY_TIMEOUT_MS },
    });
    httpDatabases.set(key, (db = drizzleHttp({ client, schema })));
  }
  return db;
}

export function createDatabase(env: DatabaseEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Database {
  const proxy = env.NEON_PROXY_URL ? new URL(env.NEON_PROXY_URL) : undefined;
  // A per-request view of the shared instance: inherits select/insert/batch/..., and gets its own
  // transaction() and $close() below, bound to this request's pool and ctx.
  const http = httpDatabase(env, proxy);
  const db = Object.create(http) as Database;

  // Neon's connect: startup + cleartext password + first query pipelined in one round trip; the
  // local proxy accepts the same. Locally only: plain ws:// and no write coalescing (it delays
  // every flight by a setTimeout(0), ~1 ms in workerd, which buys nothing on loopback).
  const socket: SocketOptions = proxy
    ? {
        wsProxy: `${proxy.host}/v2`,
        useSecureWebSocket: proxy.protocol === "https:",
        pipelineConnect: "password",
        coalesceWrites: false,
      }
    : { pipelineConnect: "password" };

  let current: { pool: Pool; db: NeonDatabase<Schema>; end?: () => void } | undefined;
  let active = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  function open() {
    clearTimeout(idleTimer);
    if (current?.end) return current;
    const pool = new ConfiguredPool({
      connectionString: env.DATABASE_URL,
      max: 4, // one per concurrent transaction of this request; one is the norm
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      socket,
    } as ClientConfig);
    pool.on("error", () => {}); // an idle connection dropped: the next checkout reconnects or fails
    // pool.end() resolves before its connections have closed; count them to know when they have.
    let live = 0;
    let drained = () => {};
    pool.on("connect", () => void live++);
    pool.on("remove", () => void (--live === 0 && drained()));
    const gone = () =>
      new Promise<void>((resolve) => {
        const cap = setTimeout(resolve, CONNECT_TIMEOUT_MS); // never hold the request longer
        drained = () => (clearTimeout(cap), resolve());
        if (live === 0) drained();
      });
    const state: NonNullable<typeof current> = { pool, db: drizzleWs({ client: pool, schema }) };
    // Keep the request alive until the connections have closed, even after the response is sent;
    // otherwise the runtime cuts the socket and Postgres sees a dropped connection.
    ctx.waitUntil(
      new Promise<void>(
        (resolve) => (state.end = () => void Promise.all([gone(), pool.end().catch(() => {})]).then(() => resolve())),
      ),
    );
    return (current = state);
  }

  function close() {
    clearTimeout(idleTimer);
    const end = current?.end;
    if (current) current.end = undefined;
    end?.();
  }

  Object.assign(db, {
    async transaction<T>(fn: (tx: Transaction) => Promise<T>, config?: PgTransactionConfig): Promise<T> {
      const { db: ws } = open();
      active++;
      try {
        return await timed("postgres_transaction", () => ws.transaction(fn, config));
      } finally {
        if (--active === 0) idleTimer = setTimeout(close, POOL_IDLE_MS);
      }
    },
    $close: close,
    prepared<T>(name: string, build: (http: NeonHttpDatabase<Schema>) => T): T {
      let queries = preparedQueries.get(http);
      if (!queries) preparedQueries.set(http, (queries = new Map()));
      if (!queries.has(name)) queries.set(name, build(http));
      return queries.get(name) as T;
    },
  });
  return db;
}
