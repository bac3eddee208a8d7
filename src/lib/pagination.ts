import { z } from "@hono/zod-openapi";

export const MAX_PAGE_SIZE = 100;

/** `?limit&offset` for every list: limit 1–100 (default 20), offset ≥ 0. */
export const PaginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20).openapi({ example: 20 }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).openapi({ example: 0 }),
});

export type Pagination = z.infer<typeof PaginationQuery>;
