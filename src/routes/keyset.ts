import { z } from "@hono/zod-openapi";
import type { Ctx } from "./request-kit.ts";

/** The next-page headers, declared on a keyset list's 200 (`json(Schema, "…", NextPageHeaders)`). */
export const NextPageHeaders = z.object({
  "X-Next-Cursor": z
    .string()
    .optional()
    .openapi({ description: "On a full page: the last item's id; send it as `before` for the next page" }),
  Link: z.string().optional().openapi({ description: 'On a full page: `<the next page>; rel="next"`' }),
});

/**
 * The next-page pointers of a keyset page (see KeysetQuery in src/lib/pagination.ts): when the page
 * is full, `X-Next-Cursor` is its last item's id and `Link` the same request with `before` set to it
 * (and no `offset`). A short page is the last one: no pointers.
 */
export function nextPageHeaders(c: Ctx, rows: readonly { id: number }[], limit: number): Record<string, string> {
  const last = rows.at(-1);
  if (rows.length < limit || last === undefined) return {};
  const url = new URL(c.req.url);
  url.searchParams.delete("offset");
  url.searchParams.set("before", String(last.id));
  return { "X-Next-Cursor": String(last.id), Link: `<${url.pathname}${url.search}>; rel="next"` };
}

/** Sets the next-page headers of this response (see nextPageHeaders). */
export function setNextPage(c: Ctx, rows: readonly { id: number }[], limit: number): void {
  for (const [name, value] of Object.entries(nextPageHeaders(c, rows, limit))) c.header(name, value);
}
