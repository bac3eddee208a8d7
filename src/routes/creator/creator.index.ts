import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./creator.handlers.ts";
import * as routes from "./creator.routes.ts";

export default createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.status, handlers.status)
  .openapi(routes.linkAsset, handlers.linkAsset)
  .openapi(routes.unlinkAsset, handlers.unlinkAsset);
