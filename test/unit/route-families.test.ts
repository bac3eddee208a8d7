// The table the Worker dispatches by (src/routes/route-families.ts): every route of every module must
// be reachable through its own entry, or the lazy app would answer it 404.
import { describe, expect, it } from "vitest";
import openapiSnapshot from "../../docs/openapi.snapshot.json";
import {
  FAMILY_NAMES,
  familiesFor,
  ROUTE_FAMILIES,
  ROUTE_SET_CACHE_LIMIT,
  routeSetCacheSize,
  routeSetFor,
  uncachedFamiliesFor,
} from "../../src/routes/route-families.ts";

/** A concrete path for a route pattern: each `:param` filled in. */
const concrete = (pattern: string) => pattern.replace(/:[^/]+/g, "x1");

describe("route families", () => {
  it("covers every route of every module with that module's paths", async () => {
    const missed = new Set<string>();
    let routes = 0;
    for (const name of FAMILY_NAMES) {
      const router = (await ROUTE_FAMILIES[name].load()).default;
      for (const { method, path } of router.routes) {
        if (path.includes("*")) continue; // middleware, not a route
        routes++;
        const found = familiesFor(concrete(path));
        if (found === "docs" || !found.includes(name)) missed.add(`${name}: ${method} ${path}`);
      }
    }
    expect([...missed]).toEqual([]);
    expect(routes).toBeGreaterThan(300); // a floor, so an empty table cannot pass
  });

  it("names no path a module does not answer (each would load a module for nothing)", async () => {
    const unused: string[] = [];
    for (const name of FAMILY_NAMES) {
      const paths = (await ROUTE_FAMILIES[name].load()).default.routes
        .map((r) => concrete(r.path))
        .filter((p) => !p.includes("*"));
      for (const entry of ROUTE_FAMILIES[name].paths) {
        const hit = entry.endsWith("/*")
          ? paths.some((p) => p.startsWith(entry.slice(0, -1)))
          : paths.some((p) => p === entry || p === `${entry}/`);
        if (!hit) unused.push(`${name}: ${entry}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it("answers the modules a path needs, in mounting order, ignoring one trailing slash", () => {
    expect(familiesFor("/api/social/feed")).toEqual(["social"]);
    expect(familiesFor("/api/social")).toEqual([]);
    expect(familiesFor("/api/social/")).toEqual([]);
    expect(familiesFor("/api/blockchain/mining/template")).toEqual(["blockchain", "mining"]);
    expect(familiesFor("/api/health/summary")).toEqual(["health", "integrations"]);
    expect(familiesFor("/api/videos/7")).toEqual(["video"]);
    expect(familiesFor("/api/ai-chat/conversations")).toEqual(["aiChat"]);
  });

  it("sends the docs to every module and unknown paths to none", () => {
    expect(familiesFor("/api/openapi.json")).toBe("docs");
    expect(familiesFor("/api/docs/")).toBe("docs");
    for (const path of ["/", "/api/nope", "/api/socialite", "/api/searchx", "/metricsx", "/api/system-x"])
      expect(familiesFor(path)).toEqual([]);
  });
});

describe("route families, cached per path class", () => {
  const snapshot = openapiSnapshot as { paths: Record<string, unknown> };
  /** Each documented path with its parameters filled in two ways, a trailing slash, and odd paths. */
  const paths = Object.keys(snapshot.paths).flatMap((template) => {
    const a = template.replace(/\{[^}]+\}/g, "x1");
    const b = template.replace(/\{[^}]+\}/g, () => crypto.randomUUID());
    return [a, `${a}/`, `${a}//`, b, `${b}/x`, `${a}/extra/deeper`];
  });
  const odd = [
    "/",
    "//",
    "",
    "/api",
    "/api/",
    "/api//",
    "/api/docs",
    "/api/docs/",
    "/api/docs/x",
    "/api/openapi.json",
    "/api/openapi.json/",
    "/api/openapi.jsonx",
    "/api/nope",
    "/api/nope/x/y",
    "/api/social",
    "/api/social/",
    "/api/social//",
    "/api/social/*",
    "/api/blockchain/mining",
    "/api/blockchain/mining/",
    "/api/blockchain/mining//",
    "/api/blockchain/mining//x",
    "/api/blockchain/miningx/y",
    "/api/health",
    "/api/health/",
    "/api/health/summary",
    "/api/health/summary/",
    "/api/health/summary/x",
    "/api/prism/observability",
    "/api/prism/observability/x",
    "/api/video",
    "/api/video/",
    "/api/video//",
    "/api/files/x1/shares/",
    "/metrics",
    "/metrics/x",
    "/health//",
    "/api/search",
    "/api/search/x",
    "/api/graphiql/",
    "no-slash",
    "/api/%2F",
  ];

  it("gives for every documented path and odd ones what the table gives, whichever path came first", () => {
    // Twice, in two orders: each answer may come from the cache entry another path of its class filled.
    for (const order of [[...paths, ...odd], [...odd, ...paths].reverse()]) {
      for (const path of order) expect([path, familiesFor(path)]).toEqual([path, uncachedFamiliesFor(path)]);
    }
    for (const path of [...paths, ...odd]) {
      const { families, key } = routeSetFor(path);
      expect(key).toBe(families === "docs" ? "docs" : families.join(","));
    }
  });

  it("keeps a few entries per table prefix however many distinct paths arrive", () => {
    const random = () => Math.random().toString(36).slice(2);
    const templates = Object.keys(snapshot.paths);
    for (let i = 0; i < 20_000; i++) {
      const template = templates[i % templates.length]!;
      const path =
        i % 3 === 0
          ? `/${random()}/${random()}`
          : i % 3 === 1
            ? template.replace(/\{[^}]+\}/g, random)
            : `/api/${random()}/${random()}/${random()}`;
      familiesFor(path);
    }
    expect(routeSetCacheSize()).toBeLessThan(ROUTE_SET_CACHE_LIMIT / 2);
  });
});
