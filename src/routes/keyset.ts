import { z } from "@hono/zod-openapi";
import type { Ctx } from "./request-kit.ts";

/** The next-page headers, declared on a keyset list's 200 (`json(Schema, "…", NextPageHeaders)`). */
export const NextPageHeaders = z.object({
  "X-Next-Cursor": z.string().optional().openapi({
    description: "On a full page: the last item's id (a block's height); send it as `before` for the next page",
  }),
  Link: z.string().optional().openapi({ description: 'On a full page: `<the next page>; rel="next"`' }),
});

/** The next-page headers of a newest-first list whose cursor is opaque (a time cursor), sent back as `before`. */
export const NextPageCursorHeaders = z.object({
  "X-Next-Cursor": z.string().optional().openapi({
    description:
      "On a full page: the last item's place in the list's order (opaque); send it as `before` for the next page",
  }),
  Link: z.string().optional().openapi({ description: 'On a full page: `<the next page>; rel="next"`' }),
});

/**
 * The next-page headers of a list read oldest first (`json(Schema, "…", NextPageAfterHeaders)`): its
 * cursor is sent back as `after`.
 */
export const NextPageAfterHeaders = z.object({
  "X-Next-Cursor": z.string().optional().openapi({
    description: "On a full page: the last item's place in the list's order; send it as `after` for the next page",
  }),
  Link: z.string().optional().openapi({ description: 'On a full page: `<the next page>; rel="next"`' }),
});

/**
 * `X-Next-Cursor` and `Link` naming this request with `param` set to `cursor` (and no `offset`, nor
 * `skip`, the devices list's name for it, nor `page`, the vault's).
 */
function pointers(c: Ctx, cursor: string, param: "before" | "after"): Record<string, string> {
  const url = new URL(c.req.url);
  url.searchParams.delete("offset");
  url.searchParams.delete("skip");
  url.searchParams.delete("page");
  url.searchParams.set(param, cursor);
  return { "X-Next-Cursor": cursor, Link: `<${url.pathname}${url.search}>; rel="next"` };
}

/**
 * The next-page pointers of a keyset page (see KeysetQuery in src/lib/pagination.ts): when the page
 * is full, `X-Next-Cursor` is its last item's key (its id, or `keyOf` of it: a block's height) and
 * `Link` the same request with `before` set to it (and no `offset`). A short page is the last one:
 * no pointers.
 */
export function nextPageHeaders(c: Ctx, rows: readonly { id: number }[], limit: number): Record<string, string>;
export function nextPageHeaders<T>(
  c: Ctx,
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => number,
): Record<string, string>;
export function nextPageHeaders<T>(
  c: Ctx,
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => number = (row) => (row as { id: number }).id,
): Record<string, string> {
  const last = rows.at(-1);
  if (rows.length < limit || last === undefined) return {};
  return pointers(c, String(keyOf(last)), "before");
}

/** Sets the next-page headers of this response (see nextPageHeaders). */
export function setNextPage(c: Ctx, rows: readonly { id: number }[], limit: number): void;
export function setNextPage<T>(c: Ctx, rows: readonly T[], limit: number, keyOf: (row: T) => number): void;
export function setNextPage<T>(c: Ctx, rows: readonly T[], limit: number, keyOf?: (row: T) => number): void {
  const headers = keyOf
    ? nextPageHeaders(c, rows, limit, keyOf)
    : nextPageHeaders(c, rows as unknown as { id: number }[], limit);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

/**
 * The same for a list read oldest first, whose cursor (`keyOf` of the last item, a string such as a
 * comment's `<thread>.<id>`) goes back as `after`. A short page is the last one: no pointers.
 */
export function setNextPageAfter<T>(c: Ctx, rows: readonly T[], limit: number, keyOf: (row: T) => string): void {
  const last = rows.at(-1);
  if (rows.length < limit || last === undefined) return;
  for (const [name, value] of Object.entries(pointers(c, keyOf(last), "after"))) c.header(name, value);
}

/**
 * The next-page headers of a newest-first list whose cursor is a string (`keyOf` of the last item, e.g.
 * a time cursor of src/lib/time-cursor.ts), sent back as `before`. A short page is the last one.
 */
export function nextPageBeforeHeaders<T>(
  c: Ctx,
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => string,
): Record<string, string> {
  const last = rows.at(-1);
  if (rows.length < limit || last === undefined) return {};
  return pointers(c, keyOf(last), "before");
}

/** Sets them on this response (see nextPageBeforeHeaders). */
export function setNextPageBefore<T>(c: Ctx, rows: readonly T[], limit: number, keyOf: (row: T) => string): void {
  for (const [name, value] of Object.entries(nextPageBeforeHeaders(c, rows, limit, keyOf))) c.header(name, value);
}
