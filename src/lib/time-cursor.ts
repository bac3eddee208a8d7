/**
 * A keyset cursor for a list ordered newest first by a timestamp, then id (vault entries, device
 * commands, agent runs, workflows): base64url of `[timestamp, id]`, opaque to clients.
 *
 * The timestamp is PostgreSQL's own to the microsecond (`timestamptz` keeps microseconds; a JavaScript
 * Date, and so the JSON's `created_at`, only milliseconds). A cursor cut to the millisecond would
 * skip or repeat rows that share one; rows written in one transaction share `now()` exactly, hence
 * the id after it.
 */

import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { MAX_INT4 } from "./constants.ts";

export type IdKind = "uuid" | "int";
export type TimeCursor = { at: string; id: string };

const AT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INT = /^[1-9][0-9]{0,9}$/;

/** The column as text to the microsecond, in UTC: what a cursor carries (`2026-12-06T16:24:28.123456Z`). */
export const microsText = (column: SQLWrapper): SQL<string> =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** `(at, id) < (cursor)`: the rows after the cursor in newest-first order (a row comparison, index-friendly). */
export function beforeTime(at: SQLWrapper, id: SQLWrapper, cursor: TimeCursor, kind: IdKind): SQL {
  const cursorId = kind === "uuid" ? sql`${cursor.id}::uuid` : sql`${cursor.id}::int`;
  return sql`(${at}, ${id}) < (${cursor.at}::timestamptz, ${cursorId})`;
}

export function encodeTimeCursor(c: TimeCursor): string {
  return btoa(JSON.stringify([c.at, c.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The cursor back, or null when it is not one this API handed out (for an id of this kind). */
export function decodeTimeCursor(s: string, kind: IdKind): TimeCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(s)) return null;
  try {
    const v: unknown = JSON.parse(atob(s.replaceAll("-", "+").replaceAll("_", "/")));
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [at, id] = v as unknown[];
    if (typeof at !== "string" || typeof id !== "string") return null;
    // A real instant (no 31 February): its milliseconds survive a round trip through Date.
    const ms = AT.exec(at)?.[1];
    if (!ms || new Date(`${ms}Z`).toISOString() !== `${ms}Z`) return null;
    if (kind === "uuid" ? !UUID.test(id) : !INT.test(id) || Number(id) > MAX_INT4) return null;
    return { at, id };
  } catch {
    return null;
  }
}
