import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./search.handlers.ts";
import * as routes from "./search.routes.ts";

export default createRouter().openapi(routes.search, handlers.search);
