import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";

describe("GET /health", () => {
  it("answers healthy with service, environment, version and timestamp", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ status: "healthy", service: "blackroad-edge-api", environment: "test" });
    expect(typeof body.version).toBe("string");
    expect(Number.isNaN(Date.parse(String(body.timestamp)))).toBe(false);
  });

  it("works with a trailing slash, without a redirect", async () => {
    const res = await api("/health/");
    expect(res.status).toBe(200);
  });
});

describe("version and config", () => {
  it.each(["/version", "/api/system/version", "/api/system/version/"])("%s reports build information", async (path) => {
    const res = await api(path);
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ environment: "test", runtime: "cloudflare-workers" });
    expect(body).toHaveProperty("git_sha");
    expect(body).toHaveProperty("build_time");
  });

  it("public config lists features and limits but never a secret", async () => {
    const res = await api("/api/system/config/public");
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.limits).toMatchObject({
      session_timeout_seconds: 3600,
      access_token_expire_minutes: 30,
      max_page_size: 100,
    });
    expect(body.features.ai_chat).toBe(false);
    expect(body.external_services.openai).toEqual({ configured: false });
    expect(text).not.toMatch(/test-secret-key|test-wallet-master-key|postgres:\/\//);
  });

  it("GET /api indexes the sections and docs", async () => {
    const res = await api("/api");
    const body = await res.json<{ docs: string; sections: unknown[] }>();
    expect(res.status).toBe(200);
    expect(body.docs).toBe("/api/docs");
    expect(body.sections.length).toBeGreaterThan(5);
  });
});

describe("OpenAPI and docs", () => {
  it("openapi.json documents the core routes and the bearer scheme", async () => {
    const res = await api("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/health",
      "/version",
      "/api/health/summary",
      "/api/system/version",
      "/api/system/config/public",
      "/api",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.components.securitySchemes).toHaveProperty("bearerAuth");
  });

  it("/api/docs serves the interactive reference from our own assets", async () => {
    const res = await api("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/vendor/swagger-ui/swagger-ui-bundle.js");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });
});

describe("errors", () => {
  it("an unknown /api path is a JSON 404 problem", async () => {
    const body = await expectProblem(await api("/api/does-not-exist"), 404);
    expect(body.detail).toContain("/api/does-not-exist");
  });

  it("a known path with an unsupported method is a 405 problem with Allow", async () => {
    const res = await api("/api/system/version", { method: "DELETE" });
    const body = await expectProblem(res, 405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(body.detail).toContain("DELETE");
    const withParam = await api("/api/blockchain/blocks/1", { method: "PUT", json: {} });
    await expectProblem(withParam, 405);
  });

  it("malformed JSON is a 400 problem, never a 500", async () => {
    // Any JSON route will do; the body is rejected before the handler runs.
    const res = await api("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{not json",
    });
    expect([400, 404]).toContain(res.status);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("a body in an unsupported media type is a 415 problem", async () => {
    await expectProblem(
      await api("/api/anything", { method: "POST", headers: { "Content-Type": "text/xml" }, body: "<a/>" }),
      415,
    );
  });

  it("a body over 1 MiB is a 413 problem", async () => {
    const big = "x".repeat(1024 * 1024 + 10);
    await expectProblem(
      await api("/api/anything", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ big }),
      }),
      413,
    );
  });
});

describe("request ids", () => {
  it("generates one when absent and echoes it in problems", async () => {
    const res = await api("/api/nope");
    const id = res.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json<{ request_id: string }>()).request_id).toBe(id);
  });

  it("honours a well-formed incoming id and replaces a malformed one", async () => {
    const good = await api("/health", { headers: { "X-Request-Id": "client-req-12345" } });
    expect(good.headers.get("X-Request-Id")).toBe("client-req-12345");
    const bad = await api("/health", { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    expect(bad.headers.get("X-Request-Id")).not.toContain("<");
  });

  it("every response has Server-Timing and the REST security headers; the HTML docs page adds the browser ones", async () => {
    for (const res of [await api("/health"), await api("/api/nope"), await api("/api/docs")]) {
      expect(res.headers.get("Server-Timing")).toMatch(/app;dur=/);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      expect(res.headers.get("Strict-Transport-Security")).toMatch(/^max-age=\d+/);
    }
    const json = await api("/health");
    expect(json.headers.get("Referrer-Policy")).toBeNull(); // JSON has no links or subresources
    const docs = await api("/api/docs");
    expect(docs.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(docs.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(docs.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
  });
});

describe("CORS", () => {
  const allowed = "https://app.example.test";

  it("allows a configured origin with credentials", async () => {
    const res = await api("/health", { headers: { Origin: allowed } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(allowed);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe("true");
  });

  it("answers a preflight for a configured origin", async () => {
    const res = await api("/api/auth/login", {
      method: "OPTIONS",
      headers: {
        Origin: allowed,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(allowed);
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
  });

  it("gives a disallowed origin no CORS headers at all", async () => {
    const attempts: RequestInit[] = [
      { headers: { Origin: "https://evil.example" } },
      { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } },
    ];
    for (const init of attempts) {
      const res = await api("/health", init);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
      expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    }
  });
});
