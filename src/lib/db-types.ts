/** The types of src/lib/db.ts's database, on their own so the lazily loaded driver can name them too. */
import type { NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import type { PgTransactionConfig } from "drizzle-orm/pg-core";
import type * as schema from "../db/schema/index.ts";

export type Schema = typeof schema;
export type Transaction = Parameters<Parameters<NeonDatabase<Schema>["transaction"]>[0]>[0];
export type Database = Omit<NeonHttpDatabase<Schema>, "transaction"> & {
  /**
   * Interactive transaction on this request's WebSocket pool; commits when `fn` resolves, rolls
   * back if it throws. Inside `fn` use `tx` only: `db.select()` there goes over HTTP, outside the
   * transaction (on PGlite, whose one session the transaction holds, it waits until the timeout).
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, config?: PgTransactionConfig): Promise<T>;
  /** Ends the request's pool (if any) via ctx.waitUntil. Idempotent; call when the request ends. */
  $close(): void;
  /**
   * A prepared one-shot query over HTTP, built once per isolate and database instead of on every
   * request (building a list query's SQL was about a tenth of its route's CPU). `build` gets the
   * isolate's shared HTTP instance; every per-request value must be a `sql.placeholder()`, filled in
   * by `.execute({...})`. `name` identifies the query within the isolate.
   */
  prepared<T>(name: string, build: (http: NeonHttpDatabase<Schema>) => T): T;
};
export type DatabaseEnv = { DATABASE_URL: string; NEON_PROXY_URL?: string };
