import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./devices.handlers.ts";
import * as routes from "./devices.routes.ts";

// /stats is registered before /{device_id} (and "stats" is no valid device id), so it is never shadowed.
export default createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.create, handlers.create)
  .openapi(routes.stats, handlers.stats)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.rotateToken, handlers.rotateToken)
  .openapi(routes.revokeToken, handlers.revokeToken)
  .openapi(routes.heartbeat, handlers.heartbeat)
  .openapi(routes.history, handlers.history)
  .openapi(routes.createCommand, handlers.createCommand)
  .openapi(routes.listCommands, handlers.listCommands);
