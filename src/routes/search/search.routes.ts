import { problemResponses } from "../../lib/problem-responses.ts";
import { json, routeKit } from "../route-kit.ts";
import { SearchPageSchema, SearchQuery } from "./search.schemas.ts";

const { user } = routeKit("Search", "One search over my mail, posts and videos I may see, my files and my vault");

export const search = user({
  operationId: "search",
  method: "get",
  path: "/api/search",
  summary: "Full-text search over everything I may read, best matches first (keyset pages)",
  description: [
    "Results are the best-ranked among the newest 500 matches of each kind (newest by creation) that I may read:",
    "older matches of a word that many rows contain are not ranked, so the cost stays flat as the data grows.",
    "`next_cursor` walks those candidates in rank order, each once; a match written during a walk can shift them.",
  ].join(" "),
  request: { query: SearchQuery },
  responses: { 200: json(SearchPageSchema, "A page of results"), ...problemResponses(422) },
});
