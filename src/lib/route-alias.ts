import type { RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";

/** A legacy spelling of a path prefix (the original API's `/api/videos`, `/api/ai-chat`). */
export type PathAlias = {
  /** The documented prefix, e.g. `/api/video`. */
  canonical: string;
  /** The deprecated spelling, e.g. `/api/videos`. */
  alias: string;
};

/**
 * When the legacy aliases were deprecated and when they may stop answering (docs/api-versioning.md).
 * Sent as `Deprecation` (RFC 9745: `@` + epoch seconds) and `Sunset` (RFC 8594: an HTTP date).
 */
export const ALIAS_DEPRECATED_AT = Date.UTC(2026, 11, 1) / 1000;
export const ALIAS_SUNSET = new Date(Date.UTC(2027, 5, 30)).toUTCString();

/** Marks every answer of an alias route as deprecated and names its successor (also on errors). */
const deprecated = (alias: PathAlias) =>
  createMiddleware(async (c, next) => {
    await next();
    const successor = c.req.path.replace(alias.alias, alias.canonical);
    c.res.headers.set("Deprecation", `@${ALIAS_DEPRECATED_AT}`);
    c.res.headers.set("Sunset", ALIAS_SUNSET);
    c.res.headers.append("Link", `<${successor}>; rel="successor-version"`);
  });

/**
 * The same operation under the alias's spelling of its path: same handler and validation, headers
 * saying it is deprecated, hidden from the docs so each operation is documented once.
 */
export function aliasRoute<R extends RouteConfig>(route: R, alias: PathAlias): R {
  const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  return {
    ...route,
    path: route.path.replace(alias.canonical, alias.alias),
    hide: true,
    middleware: [deprecated(alias), ...own],
  };
}
