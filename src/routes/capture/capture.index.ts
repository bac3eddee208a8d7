import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./capture.handlers.ts";
import * as routes from "./capture.routes.ts";

export default createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.clusters, handlers.clusters)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.tag, handlers.tag)
  .openapi(routes.status, handlers.status);
