import { describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";

type Operation = {
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
};
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string }>;
    schemas: Record<string, { properties?: Record<string, unknown> }>;
  };
};

describe("OpenAPI for /api/auth", () => {
  it("documents every auth endpoint, the bearer scheme on authenticated ones, and both login encodings", async () => {
    const doc = await (await api("/api/openapi.json")).json<OpenApi>();
    const ops: Array<[string, string]> = [
      ["/api/auth/register", "post"],
      ["/api/auth/login", "post"],
      ["/api/auth/refresh", "post"],
      ["/api/auth/me", "get"],
      ["/api/auth/logout", "post"],
      ["/api/auth/password", "post"],
    ];
    for (const [path, method] of ops) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    for (const path of ["/api/auth/me", "/api/auth/logout", "/api/auth/password"]) {
      const op = Object.values(doc.paths[path]!)[0]!;
      expect(op.security).toContainEqual({ bearerAuth: [] });
      expect(op.responses).toHaveProperty("401");
    }
    expect(doc.paths["/api/auth/login"]!.post!.security).toEqual([]); // public: no token
    expect(Object.keys(doc.paths["/api/auth/login"]!.post!.requestBody!.content).sort()).toEqual([
      "application/json",
      "application/x-www-form-urlencoded",
    ]);
    expect(doc.components.securitySchemes.bearerAuth?.type).toBe("http");
    expect(Object.keys(doc.components.schemas.User!.properties!)).not.toContain("is_admin");
    expect(JSON.stringify(doc.components.schemas.User)).not.toMatch(/hashed_password|private_key/);
  });
});
