import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./graphql.handlers.ts";
import * as routes from "./graphql.routes.ts";

export default createRouter()
  .openapi(routes.execute, handlers.execute)
  .openapi(routes.sdl, handlers.sdl)
  .openapi(routes.graphiql, handlers.graphiql);
