// The table the Worker dispatches by (src/routes/route-families.ts): every route of every module must
// be reachable through its own entry, or the lazy app would answer it 404.
import { describe, expect, it } from "vitest";
import { FAMILY_NAMES, familiesFor, ROUTE_FAMILIES } from "../../src/routes/route-families.ts";

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
