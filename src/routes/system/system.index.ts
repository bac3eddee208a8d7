import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./system.handlers.ts";
import * as routes from "./system.routes.ts";

export default createRouter()
  .openapi(routes.version, handlers.getVersion)
  .openapi(routes.systemVersion, handlers.getSystemVersion)
  .openapi(routes.publicConfig, handlers.getPublicConfig)
  .openapi(routes.apiIndex, handlers.getApiIndex);
