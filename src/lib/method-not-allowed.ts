import type { Context } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { problem } from "./errors.ts";

type RouteInfo = { method: string; path: string };

/**
 * Hono answers a known path with the wrong method as 404. This index of every route's methods lets
 * the not-found handler tell "no such path" (404) from "no such method here" (405 with `Allow`).
 * Built once per app from `app.routes`; consulted only on the not-found path, never on a hit.
 */
export function createMethodIndex(routes: readonly RouteInfo[]) {
  const router = new TrieRouter<string>();
  for (const { method, path } of routes) {
    if (method !== "ALL" && !path.endsWith("*")) router.add("ALL", path, method);
  }
  return (path: string): string[] => {
    const [matches] = router.match("ALL", path) as unknown as [Array<[string, unknown]>];
    const methods = new Set(matches.map(([m]) => m));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

export function methodNotAllowed(c: Context, allowed: string[]) {
  const path = new URL(c.req.url).pathname;
  return problem(c, 405, "method-not-allowed", `${c.req.method} is not allowed on ${path}; use ${allowed.join(", ")}`, {
    headers: { Allow: allowed.join(", ") },
  });
}
