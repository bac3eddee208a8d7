import { problemResponses } from "../../lib/errors.ts";
import { json, routeKit } from "../route-kit.ts";
import { SearchPageSchema, SearchQuery } from "./search.schemas.ts";

const { user } = routeKit("Search", "One search over my mail, posts and videos I may see, my files and my vault");

export const search = user({
  operationId: "search",
  method: "get",
  path: "/api/search",
  summary: "Full-text search over everything I may read, best matches first (keyset pages)",
  request: { query: SearchQuery },
  responses: { 200: json(SearchPageSchema, "A page of results"), ...problemResponses(422) },
});
