import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./metrics.handlers.ts";
import * as routes from "./metrics.routes.ts";

export default createRouter().openapi(routes.scrapeMetrics, handlers.getMetrics);
