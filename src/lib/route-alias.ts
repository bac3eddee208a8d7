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

/** The canonical path with this request's parameters filled in (`/api/video/{id}` → `/api/video/7`). */
const fill = (template: string, param: (name: string) => string | undefined) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(param(name) ?? ""));

/** Marks every answer of a legacy route as deprecated and names its successor (also on errors). */
const deprecated = (canonicalPath: string) =>
  createMiddleware(async (c, next) => {
    await next();
    c.res.headers.set("Deprecation", `@${ALIAS_DEPRECATED_AT}`);
    c.res.headers.set("Sunset", ALIAS_SUNSET);
    c.res.headers.append("Link", `<${fill(canonicalPath, (name) => c.req.param(name))}>; rel="successor-version"`);
  });

/**
 * The same operation under a legacy path: same handler and validation, headers saying it is
 * deprecated, hidden from the docs so each operation is documented once.
 */
export function legacyRoute<R extends RouteConfig>(route: R, legacyPath: string): R {
  const own =
    route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  return { ...route, path: legacyPath, hide: true, middleware: [deprecated(route.path), ...own] };
}

/** The route under the alias's spelling of its prefix (see legacyRoute). */
export const aliasRoute = <R extends RouteConfig>(route: R, alias: PathAlias): R =>
  legacyRoute(route, route.path.replace(alias.canonical, alias.alias));
