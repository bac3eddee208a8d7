import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./vault.handlers.ts";
import * as routes from "./vault.routes.ts";

export default createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.anchor, handlers.anchor)
  .openapi(routes.events, handlers.events)
  .openapi(routes.proof, handlers.proof);
