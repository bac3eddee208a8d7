/**
 * Postgres for the Worker: the `Database` type, how to open one, and how its errors read.
 *
 * The driver itself (Neon's client and drizzle's adapters, neon-database.ts) is imported on first
 * use, not at start-up: it is ~15 ms of module evaluation (the bench's start-up probe), and the module
 * every isolate evaluates also starts Durable Objects and requests that never query. Open a
 * database with `openDatabase()`; where opening must be synchronous (the request's lazy `db`,
 * middleware/services.ts), await `loadDatabaseDriver()` first, then `createDatabase()`.
 */
import type { Database, DatabaseEnv } from "./db-types.ts";

export type { Database, DatabaseEnv, Schema, Transaction } from "./db-types.ts";

type Driver = typeof import("./neon-database.ts");
let driver: Driver | undefined;

/** Imports the driver once per isolate. Each caller awaits its own import: workerd shares the load. */
export async function loadDatabaseDriver(): Promise<void> {
  driver ??= await import("./neon-database.ts");
}

/**
 * A database for one request (or one Durable Object call): HTTP for one-shot queries and batches, a
 * WebSocket pool, opened on first use, for interactive transactions; `$close()` ends the pool.
 * Needs `loadDatabaseDriver()` to have resolved in this isolate.
 */
export function createDatabase(env: DatabaseEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Database {
  if (!driver) throw new Error("createDatabase() before loadDatabaseDriver(): use openDatabase()");
  return driver.createDatabase(env, ctx);
}

/** `createDatabase()`, after loading the driver if this isolate has not yet. */
export async function openDatabase(env: DatabaseEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Database> {
  await loadDatabaseDriver();
  return createDatabase(env, ctx);
}

/** Unique violation (SQLSTATE 23505), optionally of one constraint/index. Sees through drizzle's wrapper. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findCause(err, (x) => x.code === "23505");
  return !!e && (constraint === undefined || e.constraint === constraint);
}

/** The database could not be reached or did not answer in time: callers answer 503. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

// SQLSTATE classes/codes that mean "not reachable / not now": connection exceptions, shutdowns,
// too many connections, our own statement_timeout, and a transaction PostgreSQL chose to abort
// (deadlock victim 40P01, serialization failure 40001): nothing of it was written, a retry succeeds.
const UNAVAILABLE_CODE = /^(08|57P0[123]|53300|57014|40P01|40001)/;
const UNAVAILABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Query read timeout|WebSocket|network error|Error connecting to database|Server error \(HTTP status 5\d\d\)|network connection lost/i;

/** Maps a driver error to DatabaseUnavailableError, or returns undefined if it is something else. */
export function toDatabaseUnavailable(err: unknown): DatabaseUnavailableError | undefined {
  if (err instanceof DatabaseUnavailableError) return err;
  const e = findCause(
    err,
    (x) =>
      (typeof x.code === "string" && UNAVAILABLE_CODE.test(x.code)) ||
      x.name === "TimeoutError" ||
      x.name === "AbortError" ||
      (x.type === "error" && !(x instanceof Error)) || // the WebSocket's ErrorEvent: could not connect
      UNAVAILABLE_TEXT.test(String(x.message ?? "")),
  );
  return e
    ? new DatabaseUnavailableError(`database unavailable: ${String(e.message ?? e.code)}`, { cause: err })
    : undefined;
}

type ErrorLike = {
  code?: unknown;
  constraint?: unknown;
  name?: unknown;
  message?: unknown;
  type?: unknown;
  cause?: unknown;
  sourceError?: unknown;
};

/** Walks err → cause/sourceError (drizzle wraps driver errors in DrizzleQueryError). */
function findCause(err: unknown, test: (e: ErrorLike) => boolean): ErrorLike | undefined {
  for (let e = err as ErrorLike | undefined, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    if (test(e)) return e;
    e = (e.cause ?? e.sourceError) as ErrorLike | undefined;
  }
  return undefined;
}
