import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./dashboard.handlers.ts";
import * as routes from "./dashboard.routes.ts";

export default createRouter()
  .openapi(routes.overview, handlers.overview)
  .openapi(routes.quickStats, handlers.quickStats)
  .openapi(routes.activity, handlers.activity)
  .openapi(routes.activityTimeline, handlers.activityTimeline)
  .openapi(routes.services, handlers.services);
