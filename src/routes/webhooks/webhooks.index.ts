import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./webhooks.handlers.ts";
import * as routes from "./webhooks.routes.ts";

export default createRouter()
  .openapi(routes.status, handlers.status)
  .openapi(routes.github, handlers.github)
  .openapi(routes.stripe, handlers.stripe);
