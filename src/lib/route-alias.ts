import type { RouteConfig } from "@hono/zod-openapi";

/**
 * The same operation under the original API's spelling of its path (`/api/videos`, `/api/ai-chat`):
 * same handler and validation, hidden from the docs so each operation is documented once.
 */
export function aliasRoute<R extends RouteConfig>(route: R, canonicalPrefix: string, aliasPrefix: string): R {
  return { ...route, path: route.path.replace(canonicalPrefix, aliasPrefix), hide: true };
}
