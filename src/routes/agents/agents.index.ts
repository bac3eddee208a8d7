import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./agents.handlers.ts";
import * as routes from "./agents.routes.ts";

// The fixed paths come before /api/agents/{name}; agent names cannot take their words (RESERVED_NAMES).
export default createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.categories, handlers.categories)
  .openapi(routes.stats, handlers.stats)
  .openapi(routes.search, handlers.search)
  .openapi(routes.tools, handlers.tools)
  .openapi(routes.listRuns, handlers.listRuns)
  .openapi(routes.getRun, handlers.getRun)
  .openapi(routes.create, handlers.create)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.versions, handlers.versions)
  .openapi(routes.execute, handlers.execute);
