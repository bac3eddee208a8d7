import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../types.ts";
import { validationHook } from "./errors.ts";
import { aliasRoute, type PathAlias } from "./route-alias.ts";

/**
 * Every router validates with the same hook, so every validation failure is the same 422 problem.
 * With `alias`, every `.openapi(route, handler)` also answers under the alias's legacy prefix
 * (deprecated, undocumented; see lib/route-alias.ts), so the routes are listed once.
 */
export function createRouter(options: { alias?: PathAlias } = {}) {
  const router = new OpenAPIHono<AppBindings>({ strict: false, defaultHook: validationHook });
  const { alias } = options;
  if (alias) {
    const register = router.openapi;
    router.openapi = ((route, handler, hook) => {
      const registered = register(route, handler, hook);
      register(aliasRoute(route, alias), handler, hook);
      return registered;
    }) as typeof register;
  }
  return router;
}
