import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./prism.handlers.ts";
import * as routes from "./prism.routes.ts";

/** The Prism console's API (`/api/prism/*`, admins only) and its public `/prism/health`. */
export default createRouter()
  .openapi(routes.stats, handlers.stats)
  .openapi(routes.events, handlers.events)
  .openapi(routes.listJobs, handlers.listJobs)
  .openapi(routes.createJob, handlers.createJob)
  .openapi(routes.getJob, handlers.getJob)
  .openapi(routes.chain, handlers.chain)
  .openapi(routes.setAccountStatus, handlers.setAccountStatus)
  .openapi(routes.health, handlers.health);
