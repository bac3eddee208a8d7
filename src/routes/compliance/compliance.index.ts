import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./compliance.handlers.ts";
import * as routes from "./compliance.routes.ts";

export default createRouter().openapi(routes.list, handlers.list).openapi(routes.exportCsv, handlers.exportCsv);
