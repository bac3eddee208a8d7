/**
 * What every integration promises, generated from the registry and the OpenAPI document:
 *   - the authorisation matrix, every operation: anonymous 401; a signed-in user 403 on admin
 *     operations and let through on user operations; an admin let through;
 *   - "not configured": every service without its variables answers 503 naming them, and never
 *     calls out; its status says not_configured; health/all and health/{name} count it;
 *   - every operation is in /api/docs with an operationId and its service's tag.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONNECTORS } from "../../src/services/integrations/registry.ts";
import { expectProblem } from "../helpers/api.ts";
import { CONFIGURED, installFakeUpstreams } from "../helpers/fake-upstream.ts";
import { call, clearIntegrationCache, createAdmin } from "../helpers/integrations.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const fake = installFakeUpstreams();
afterAll(() => fake.uninstall());
beforeEach(() => fake.reset());

let admin: TestUser;
let user: TestUser;
beforeAll(async () => {
  [admin, user] = await Promise.all([createAdmin(), createUser(), clearIntegrationCache()]);
});

/** Nothing configured: the test environment's own bindings. */
const NONE: Record<string, string> = {};

const operations = CONNECTORS.flatMap((connector) =>
  connector.operations.map((op) => ({
    connector,
    op,
    method: op.method.toUpperCase(),
    // Path parameters get values that pass no schema on purpose for 401/403 (authorisation comes first).
    url: `/api/${connector.name}${op.path.replace(/\{\w+\}/g, "x")}`,
  })),
);

const problemResponse = (r: { status: number; headers: Headers; text: string }) =>
  expectProblem(new Response(r.text, { status: r.status, headers: r.headers }), r.status);

/**
 * The rule, written independently of the declarations: only reads of public data are open to
 * signed-in users; everything else — writes, spending, sends, infrastructure, the organisation's
 * private data — is for administrators. A declaration that opens anything else fails here.
 */
const PUBLIC_DATA_READS = new Set([
  "github.repo",
  "github.commits",
  "github.pulls",
  "github.issues",
  "github.contents",
  "github.branches",
  "github.searchRepositories",
  "github.searchCode",
  "huggingface.models",
  "huggingface.model",
  "huggingface.datasets",
  "huggingface.dataset",
  "huggingface.spaces",
]);

describe("authorisation matrix (every operation of every integration)", () => {
  it("covers every declared operation (a floor, so an empty registry cannot pass)", () => {
    expect(operations.length).toBeGreaterThanOrEqual(80);
  });

  it("only the public-data reads are open to signed-in users, and they are all reads", () => {
    for (const { connector, op } of operations) {
      const id = `${connector.name}.${op.id}`;
      expect(op.access, id).toBe(PUBLIC_DATA_READS.has(id) ? "user" : "admin");
      if (op.access === "user") expect(op.method, id).toBe("get");
    }
  });

  for (const { connector, op, method, url } of operations) {
    it(`${method} ${url} (${op.access}): anonymous 401${op.access === "admin" ? ", user 403" : ", user allowed"}, admin allowed`, async () => {
      const body = method === "GET" || method === "DELETE" ? {} : { json: {} };
      const anonymous = await call(null, url, { method, ...body });
      expect((await problemResponse(anonymous)).status).toBe(401);

      const asUser = await call(user, url, { method, ...body }, NONE);
      if (op.access === "admin") expect((await problemResponse(asUser)).status).toBe(403);
      else expect([401, 403], asUser.text).not.toContain(asUser.status);

      const asAdmin = await call(admin, url, { method, ...body }, NONE);
      expect([401, 403], asAdmin.text).not.toContain(asAdmin.status);
      expect(fake.calls, `${connector.name} called out while not configured`).toEqual([]);
    });
  }
});

describe("not configured: 503 naming the variables, and no outbound call", () => {
  for (const connector of CONNECTORS) {
    const probe = connector.operations.find((o) => o.id === connector.probe)!;
    it(`${connector.title}: an operation answers 503 naming ${connector.requires.join(", ")}`, async () => {
      const r = await call(admin, `/api/${connector.name}${probe.path}`, { method: probe.method.toUpperCase() }, NONE);
      const problem = await problemResponse(r);
      expect(problem.status).toBe(503);
      expect(problem.type).toMatch(/\/integration-not-configured$/);
      for (const v of connector.requires) expect(problem.detail).toContain(v);
      expect(fake.calls).toEqual([]);
    });

    it(`${connector.title}: /status and /health say not configured without calling out`, async () => {
      const status = await call(null, `/api/${connector.name}/status`, {}, NONE);
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({
        name: connector.name,
        status: "not_configured",
        configured: false,
        connected: false,
        missing: connector.requires,
      });
      const health = await call(null, `/api/${connector.name}/health`, {}, NONE);
      expect(health.json).toMatchObject({ service: connector.name, status: "not_configured" });
      expect(fake.calls).toEqual([]);
    });

    it(`${connector.title}: a partial configuration names only what is still missing`, async () => {
      if (connector.requires.length < 2) return expect(connector.requires.length).toBe(1);
      const [first, ...rest] = connector.requires;
      const status = await call(null, `/api/${connector.name}/status`, {}, { [first!]: CONFIGURED[first!]! });
      expect(status.json.missing).toEqual(rest);
    });
  }

  it("/api/health/all counts every integration as not configured; /api/health/{name} finds one case-insensitively", async () => {
    const all = await call(null, "/api/health/all", {}, NONE);
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({
      status: "unhealthy",
      total_apis: CONNECTORS.length,
      connected_apis: 0,
      not_configured_apis: CONNECTORS.length,
      error_apis: 0,
    });
    expect(Object.keys(all.json.apis)).toEqual(CONNECTORS.map((c) => c.name));
    const one = await call(null, "/api/health/GitHub", {}, NONE);
    expect(one.json).toMatchObject({ name: "github", status: "not_configured" });
    await problemResponse(await call(null, "/api/health/nonexistent", {}, NONE)).then((p) =>
      expect(p.status).toBe(404),
    );
    expect(fake.calls).toEqual([]);
  });
});

describe("configured: live probes, cached", () => {
  it("/status probes once, reports latency, and answers from the cache for the next 60 s", async () => {
    await clearIntegrationCache();
    fake.on("GET github/user", () => Response.json({ login: "octo", id: 1, html_url: "https://github.com/octo" }));
    const first = await call(null, "/api/github/status");
    expect(first.json).toMatchObject({
      status: "connected",
      configured: true,
      connected: true,
      cached: false,
      missing: [],
    });
    expect(first.json.latency_ms).toEqual(expect.any(Number));
    expect(first.json.configuration).toEqual({ github_token_configured: true, github_webhook_secret_configured: true });
    const second = await call(null, "/api/github/health");
    expect(second.json).toMatchObject({ service: "github", status: "operational" });
    expect(fake.calls.length).toBe(1);
  });

  it("a probe that fails is an error status with a safe message, and health/all is degraded", async () => {
    await clearIntegrationCache();
    fake.on("GET github/user", () => Response.json({ login: "octo", id: 1, html_url: "https://github.com/octo" }));
    fake.on("GET stripe/v1/balance", () =>
      Response.json({ error: { message: "Invalid API Key provided: sk_test_****" } }, { status: 401 }),
    );
    fake.on("POST slack/auth.test", () => Response.json({ ok: false, error: "invalid_auth" }));
    const all = await call(null, "/api/health/all");
    expect(all.json).toMatchObject({ status: "degraded", connected_apis: 1 });
    expect(all.json.apis.stripe).toMatchObject({
      status: "error",
      connected: false,
      error: "Stripe rejected our credentials",
    });
    expect(all.json.apis.slack).toMatchObject({ status: "error", error: "Slack rejected our credentials" });
  });
});

describe("/api/docs", () => {
  it("documents every integration operation with an operationId, its service's tag and bearer security", async () => {
    const spec = (await call(null, "/api/openapi.json")).json;
    for (const { connector, op } of operations) {
      const path = `/api/${connector.name}${op.path}`;
      const doc = spec.paths[path]?.[op.method];
      expect(doc, path).toBeDefined();
      expect(doc.operationId).toMatch(new RegExp(`^${connector.name}`));
      expect(doc.tags).toEqual([connector.title]);
      expect(doc.security?.length).toBeGreaterThan(0);
    }
    for (const connector of CONNECTORS) expect(spec.paths).toHaveProperty([`/api/${connector.name}/status`]);
  });
});
