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

/** The key of a list ordered by id: its rows' id. */
export const byId = (row: { id: number }) => row.id;

/**
 * The next-page pointers of a keyset page (see KeysetQuery in src/lib/pagination.ts): when the page
 * is full, `X-Next-Cursor` is its last item's key (`keyOf` of it: its id, a block's height, a time
 * cursor of src/lib/time-cursor.ts, a comment's `<thread>.<id>`) and `Link` the same request with
 * `param` set to it: `before` for a newest-first list (the default), `after` for one read oldest
 * first; without `offset`, nor `skip` (the devices list's name for it), nor `page` (the vault's).
 * A short page is the last one: no pointers.
 */
export function nextPageHeaders<T>(
  c: Ctx,
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => string | number,
  param: "before" | "after" = "before",
): Record<string, string> {
  const last = rows.at(-1);
  if (rows.length < limit || last === undefined) return {};
  const cursor = String(keyOf(last));
  const url = new URL(c.req.url);
  url.searchParams.delete("offset");
  url.searchParams.delete("skip");
  url.searchParams.delete("page");
  url.searchParams.set(param, cursor);
  return { "X-Next-Cursor": cursor, Link: `<${url.pathname}${url.search}>; rel="next"` };
}

/** Sets the next-page headers on this response (see nextPageHeaders). */
export function setNextPage<T>(
  c: Ctx,
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => string | number,
  param: "before" | "after" = "before",
): void {
  for (const [name, value] of Object.entries(nextPageHeaders(c, rows, limit, keyOf, param))) c.header(name, value);
}
