import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./db.ts";

/**
 * Runs an insert written as SQL (an `insert … select … where` guarded by a cap, which drizzle's
 * builder cannot express: its insert-select names every column, the identity too) and returns the
 * inserted row as drizzle's `.returning()` would, typed and mapped through the table's columns
 * (timestamps as Dates, jsonb parsed), or undefined if nothing was inserted. One statement:
 * `with inserted as (<insert> returning *) select <columns> from inserted`.
 */
export async function insertReturningRow<T extends PgTable>(
  db: Database,
  table: T,
  insert: SQL,
): Promise<T["$inferSelect"] | undefined> {
  const inserted = db.$with("inserted", getTableColumns(table)).as(sql`${insert} returning *`);
  // The CTE's columns are T's; drizzle's generic types cannot see that through an unknown T.
  const rows: unknown[] = await db
    .with(inserted)
    .select()
    .from(inserted as never);
  return rows[0] as T["$inferSelect"] | undefined;
}
