import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./cece.handlers.ts";
import * as routes from "./cece.routes.ts";

// /cognition/history and /cognition/analyze before /cognition/{id} (which only matches a UUID anyway).
export default createRouter()
  .openapi(routes.start, handlers.start)
  .openapi(routes.history, handlers.history)
  .openapi(routes.analyze, handlers.analyze)
  .openapi(routes.get, handlers.get)
  .openapi(routes.health, handlers.health)
  .openapi(routes.info, handlers.info);
