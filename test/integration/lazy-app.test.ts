// The Worker's lazy app (src/app.ts createLazyApp): each request goes to an app over just the route
// modules its path needs, so these check what could differ from one app over every module.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLazyApp } from "../../src/app.ts";
import { BASE, uncheckedApi } from "../helpers/api.ts";

describe("the lazy app", () => {
  it("picks the modules by the path as the router reads it (percent-decoded)", async () => {
    const plain = await uncheckedApi("/api/system/version");
    const encoded = await uncheckedApi("/api/%73ystem/version");
    expect(plain.status).toBe(200);
    expect(encoded.status).toBe(200);
    expect(await encoded.json()).toEqual(await plain.json());
  });

  it("answers concurrent first requests to a module set nobody has asked for yet, none failing", async () => {
    const app = createLazyApp(); // a fresh one: no app built yet
    const paths = ["/api/games/stats", "/api/games/road-city/building-types", "/api/search?q=road", "/api/nope"];
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const ctx = createExecutionContext();
        const res = await app.fetch(new Request(BASE + paths[i % paths.length]), env, ctx);
        await waitOnExecutionContext(ctx);
        return `${paths[i % paths.length]} ${res.status}`;
      }),
    );
    expect(new Set(answers)).toEqual(
      new Set([
        "/api/games/stats 401",
        "/api/games/road-city/building-types 200",
        "/api/search?q=road 401",
        "/api/nope 404",
      ]),
    );
  });
});
