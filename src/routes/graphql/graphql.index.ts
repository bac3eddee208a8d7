import { createRouter } from "../../lib/create-router.ts";
import { lazyHandlers } from "../lazy-handlers.ts";
import * as routes from "./graphql.routes.ts";

// `graphql`, Pothos and the schema load on the first GraphQL request, not at start-up (lazy-handlers.ts).
const handler = lazyHandlers(() => import("./graphql.handlers.ts"));

export default createRouter()
  .openapi(routes.execute, handler("execute"))
  .openapi(routes.sdl, handler("sdl"))
  .openapi(routes.graphiql, handler("graphiql"));
