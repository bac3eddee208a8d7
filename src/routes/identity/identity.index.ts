import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./identity.handlers.ts";
import * as routes from "./identity.routes.ts";

export default createRouter()
  .openapi(routes.getProfile, handlers.getProfile)
  .openapi(routes.updateProfile, handlers.updateProfile)
  .openapi(routes.getLinked, handlers.getLinked)
  .openapi(routes.link, handlers.link)
  .openapi(routes.linkGithub, handlers.linkGithub)
  .openapi(routes.unlink, handlers.unlink);
