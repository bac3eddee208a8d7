import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./notifications.handlers.ts";
import * as routes from "./notifications.routes.ts";

export default createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.unread, handlers.unread)
  .openapi(routes.readAll, handlers.readAll)
  .openapi(routes.ticket, handlers.ticket)
  .openapi(routes.live, handlers.live)
  .openapi(routes.read, handlers.read)
  .openapi(routes.remove, handlers.remove);
