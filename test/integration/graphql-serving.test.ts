// How /api/graphql is served around the schema (docs/graphql.md): GraphiQL in development only.
import { describe, expect, it } from "vitest";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";

describe("GraphiQL", () => {
  it("is off outside development: /api/graphiql is a 404 problem (ENVIRONMENT=test, and production)", async () => {
    await expectProblem(await api("/api/graphiql"), 404);
    await expectProblem(await fetchWith({ ENVIRONMENT: "production" }, "/api/graphiql"), 404);
    await expectProblem(
      await fetchWith({ ENVIRONMENT: "production", GRAPHIQL_ENABLED: "false" }, "/api/graphiql"),
      404,
    );
  });

  it("is served from our own assets in development, and elsewhere when GRAPHIQL_ENABLED is true", async () => {
    for (const vars of [{ ENVIRONMENT: "development" }, { ENVIRONMENT: "production", GRAPHIQL_ENABLED: "true" }]) {
      const res = await fetchWith(vars, "/api/graphiql");
      expect(res.status, JSON.stringify(vars)).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      const html = await res.text();
      for (const script of [
        "/vendor/graphiql/react.production.min.js",
        "/vendor/graphiql/react-dom.production.min.js",
        "/vendor/graphiql/graphiql.min.js",
        "/js/graphiql.js",
      ])
        expect(html).toContain(`<script src="${script}"></script>`);
      expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN
    }
  });
});
