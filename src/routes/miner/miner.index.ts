import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./miner.handlers.ts";
import * as routes from "./miner.routes.ts";

export default createRouter()
  .openapi(routes.control, handlers.control)
  .openapi(routes.status, handlers.status)
  .openapi(routes.stats, handlers.stats)
  .openapi(routes.blocks, handlers.blocks)
  .openapi(routes.poolInfo, handlers.poolInfo);
