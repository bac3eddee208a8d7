import { SEARCH_KINDS } from "../../lib/constants.ts";
import { getAuth } from "../../middleware/auth.ts";
import { search as runSearch } from "../../services/search/search.ts";
import type { AppRouteHandler } from "../../types.ts";
import type * as routes from "./search.routes.ts";

export const search: AppRouteHandler<typeof routes.search> = async (c) => {
  const q = c.req.valid("query");
  const page = await runSearch(c.var.services.db, {
    userId: getAuth(c).userId,
    q: q.q,
    kinds: q.type ? [q.type] : SEARCH_KINDS,
    limit: q.limit,
    cursor: q.cursor,
  });
  return c.json(page, 200);
};
