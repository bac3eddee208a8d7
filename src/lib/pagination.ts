import { z } from "@hono/zod-openapi";
import { MAX_INT4 } from "./constants.ts";

export const MAX_PAGE_SIZE = 100;

/** `?limit&offset` for every list: limit 1–100 (default 20), offset ≥ 0. */
export const PaginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20).openapi({ example: 20 }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).openapi({ example: 0 }),
});

export type Pagination = z.infer<typeof PaginationQuery>;

/** Largest id a keyset cursor may name (PostgreSQL integer). */
export const MAX_CURSOR = MAX_INT4;

/**
 * `?limit&before` (and the older `?offset`): keyset paging, the default for lists ordered newest
 * first by id. `before` is the id of the last item of the previous page (the `X-Next-Cursor`
 * header, also in `Link: <…>; rel="next"`); the page below it costs the same however deep it is,
 * and rows inserted meanwhile neither repeat nor hide an item. `offset` still works where it did.
 */
export const KeysetQuery = PaginationQuery.extend({
  before: z.coerce.number().int().min(1).max(MAX_CURSOR).optional().openapi({
    description:
      "Keyset cursor: only items with an id below this — the X-Next-Cursor header of the previous page (its last item's id). Flat cost at any depth, stable under inserts; prefer it to `offset`",
    example: 1200,
  }),
});

export type KeysetPage = z.infer<typeof KeysetQuery>;
