import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./health.handlers.ts";
import * as routes from "./health.routes.ts";

export default createRouter()
  .openapi(routes.health, handlers.getHealth)
  .openapi(routes.healthSummary, handlers.getHealthSummary);
