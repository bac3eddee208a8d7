// Walking a list paged by a time cursor (src/lib/time-cursor.ts) across rows that tie on their time:
// `tie` puts rows on shared instants, `order` reads the list's order from PostgreSQL, `walkExactly`
// walks the list (see keyset-walk.ts) and checks it returned exactly that order.
import { eq, inArray, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { decodeTimeCursor, type IdKind } from "../../src/lib/time-cursor.ts";
import { testDb } from "./auth.ts";
import { expectExact, walk } from "./keyset-walk.ts";

export type Item = Record<string, unknown>;
export const T1 = "2026-01-02T03:04:05.123457Z"; // three rows
export const T0 = "2026-01-02T03:04:05.123456Z"; // two rows: the same millisecond, one microsecond earlier

/** Puts rows 1–3 (of those given) on T1, 4–5 on T0, the rest a day earlier. */
export async function tie(table: PgTable, id: PgColumn, at: PgColumn, ids: string[]) {
  const set = (rows: string[], instant: string) =>
    testDb().execute(
      sql`update ${table} set ${sql.identifier(at.name)} = ${instant}::timestamptz where ${inArray(id, rows)}`,
    );
  await set(ids.slice(0, 3), T1);
  await set(ids.slice(3, 5), T0);
  await set(ids.slice(5), "2026-01-01T00:00:00.000001Z");
}

/** The list's order as PostgreSQL has it: newest first, ties by id (newest first). */
export async function order(table: PgTable, id: PgColumn, at: PgColumn, owner: PgColumn, ownerId: number) {
  const rows = (await testDb()
    .select({ id })
    .from(table)
    .where(eq(owner, ownerId))
    .orderBy(sql`${at} desc, ${id} desc`)) as { id: string | number }[];
  return rows.map((r) => String(r.id));
}

/**
 * Walks `url` (limit 2) while `add` creates a row between pages; the walk must be exactly `expected`
 * (ids in order), none of the added rows, each page's cursor the last item's.
 */
export async function walkExactly(
  url: string,
  headers: Record<string, string>,
  expected: string[],
  add: () => Promise<string>,
  kind: IdKind,
  items?: (body: unknown) => Item[],
) {
  // Numbers the walk can compare: the expected order counts down, rows added later count up from above.
  const number = new Map(expected.map((id, i) => [id, expected.length - i]));
  const added: number[] = [];
  const w = await walk(
    url,
    headers,
    async () => {
      const id = await add();
      number.set(id, 1_000 + added.length);
      added.push(1_000 + added.length);
    },
    {
      idOf: (item) => number.get(String(item.id)) ?? -1,
      cursorMatches: (cursor, last) => decodeTimeCursor(cursor, kind)?.id === String(last.id),
      ...(items ? { items } : {}),
    },
  );
  expectExact(
    w.ids,
    expected.map((id) => number.get(id)!),
    added,
  );
  return w;
}
