import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./observability.handlers.ts";
import * as routes from "./observability.routes.ts";

export default createRouter().openapi(routes.observabilityTimeline, handlers.getTimeline);
