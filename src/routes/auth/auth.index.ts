import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./auth.handlers.ts";
import * as routes from "./auth.routes.ts";
import { token, tokenErrors, tokenHook } from "./token.handlers.ts";

export default createRouter()
  .openapi(routes.register, handlers.register)
  .openapi(routes.login, handlers.login)
  .openapi(routes.refresh, handlers.refresh)
  .openapi(routes.token, token, tokenHook)
  .openapi(routes.me, handlers.me)
  .openapi(routes.logout, handlers.logout)
  .openapi(routes.changePassword, handlers.changePassword)
  .openapi(routes.listSessions, handlers.listSessions)
  .openapi(routes.endSession, handlers.endSession)
  .onError(tokenErrors);
