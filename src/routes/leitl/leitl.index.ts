import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./leitl.handlers.ts";
import * as routes from "./leitl.routes.ts";

export default createRouter()
  .openapi(routes.register, handlers.register)
  .openapi(routes.active, handlers.active)
  .openapi(routes.heartbeat, handlers.heartbeat)
  .openapi(routes.end, handlers.end)
  .openapi(routes.broadcast, handlers.broadcast)
  .openapi(routes.recent, handlers.recent)
  .openapi(routes.activity, handlers.activity)
  .openapi(routes.getContext, handlers.getContext)
  .openapi(routes.putContext, handlers.putContext)
  .openapi(routes.socket, handlers.socket)
  .openapi(routes.health, handlers.health);
