/**
 * The executor's error mapping, against fakes at the network edge, for one connector of each auth
 * style: GitHub (bearer, JSON), Stripe (bearer, form-encoded, Idempotency-Key), Slack (errors
 * inside a 200). Upstream 401/403 → 502, 404 → 404, 400/422 → 422 with the upstream's message,
 * 429 → 429 with Retry-After, 5xx and network errors → 502 (reads retried, writes never),
 * deadline → 504, oversized or malformed answers → 502. Every failure: a problem body, one log
 * line with the request id, and no secret anywhere. Also: the cache of reads.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expectProblem } from "../helpers/api.ts";
import {
  type Behaviour,
  CONFIGURED,
  installFakeUpstreams,
  SECRETS,
  stall,
  unreachable,
} from "../helpers/fake-upstream.ts";
import { call, clearIntegrationCache, createAdmin, expectNoSecrets } from "../helpers/integrations.ts";
import type { TestUser } from "../helpers/users.ts";

const fake = installFakeUpstreams();
afterAll(() => fake.uninstall());
let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  fake.reset();
  warn = vi.spyOn(console, "warn");
});
afterEach(() => warn.mockRestore());

let admin: TestUser;
beforeAll(async () => {
  [admin] = await Promise.all([createAdmin(), clearIntegrationCache()]);
});

type Target = {
  name: string;
  read: { path: string; route: string };
  write: { path: string; route: string; json: unknown };
};

let n = 0;
/** A fresh read path each time, so the read cache never answers for the upstream. */
const fresh = (t: Target) => t.read.path.replace("{n}", String(++n));

const TARGETS: Target[] = [
  {
    name: "GitHub",
    read: { path: "/api/github/repos/octo/r{n}/issues?per_page=1", route: "GET github/repos/octo/" },
    write: {
      path: "/api/github/repos/octo/demo/issues",
      route: "POST github/repos/octo/demo/issues",
      json: { title: "t" },
    },
  },
  {
    name: "Stripe",
    read: { path: "/api/stripe/customers?limit={n}", route: "GET stripe/v1/customers" },
    write: { path: "/api/stripe/customers", route: "POST stripe/v1/customers", json: { email: "a@example.com" } },
  },
];

/** Upstream error bodies in each service's own format, carrying a message (and a secret, to see it scrubbed). */
const errorBody = (name: string, status: number, message: string): Response =>
  name === "Stripe"
    ? Response.json({ error: { type: "invalid_request_error", message } }, { status })
    : Response.json({ message, documentation_url: "https://docs.github.com" }, { status });

async function expectMapped(
  path: string,
  method: string,
  json: unknown,
  status: number,
  code: RegExp,
  overrides = CONFIGURED,
) {
  const r = await call(admin, path, { method, json }, overrides);
  const problem = await expectProblem(new Response(r.text, { status: r.status, headers: r.headers }), status);
  expect(problem.type).toMatch(code);
  expectNoSecrets(r.text + JSON.stringify([...r.headers]));
  // One log line for the failure, with the request id, and no secret in it.
  const lines = warn.mock.calls
    .map((args: unknown[]) => String(args[0]))
    .filter((l: string) => l.includes("integration call failed"));
  expect(lines.length).toBe(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ request_id: problem.request_id, status });
  expectNoSecrets(lines.join("\n"));
  return { problem, r };
}

for (const t of TARGETS) {
  describe(`${t.name}: upstream failures mapped`, () => {
    const reply = (b: Behaviour) => fake.on(t.read.route, b);

    it("401 and 403: 502, our credentials were rejected (not the caller's)", async () => {
      for (const status of [401, 403]) {
        warn.mockClear();
        fake.reset();
        reply(() => errorBody(t.name, status, `Bad credentials for ${SECRETS.GITHUB_TOKEN}`));
        const { problem } = await expectMapped(fresh(t), "GET", undefined, 502, /upstream-credentials-rejected$/);
        expect(problem.detail).toBe(`${t.name} rejected our credentials`);
      }
    });

    it("404: 404", async () => {
      reply(() => errorBody(t.name, 404, "Not Found"));
      await expectMapped(fresh(t), "GET", undefined, 404, /not-found$/);
    });

    it("400 and 422: 422 quoting the upstream's message, secrets cut out", async () => {
      for (const status of [400, 422]) {
        warn.mockClear();
        fake.on(t.write.route, () =>
          errorBody(t.name, status, `Validation failed: name taken (token ${SECRETS.STRIPE_SECRET_KEY})`),
        );
        const { problem } = await expectMapped(t.write.path, "POST", t.write.json, 422, /upstream-rejected-input$/);
        expect(problem.detail).toContain("Validation failed: name taken");
        expect(problem.detail).toContain("[redacted]");
      }
    });

    it("429: 429 with the upstream's Retry-After, not retried", async () => {
      reply(
        () =>
          new Response(JSON.stringify({ message: "slow down" }), {
            status: 429,
            headers: { "Retry-After": "17", "Content-Type": "application/json" },
          }),
      );
      const { r } = await expectMapped(fresh(t), "GET", undefined, 429, /upstream-rate-limited$/);
      expect(r.headers.get("Retry-After")).toBe("17");
      expect(fake.calls.length).toBe(1);
    });

    it("500 on a read: retried twice (when the deadline leaves room), then 502", async () => {
      reply(() => errorBody(t.name, 500, "boom"));
      await expectMapped(fresh(t), "GET", undefined, 502, /upstream-error$/, {
        ...CONFIGURED,
        INTEGRATIONS_TIMEOUT_MS: "10000",
      });
      expect(fake.calls.length).toBe(3);
    });

    it("500 then 200 on a read: the retry answers", async () => {
      let i = 0;
      const ok = t.name === "Stripe" ? Response.json({ data: [], has_more: false }) : Response.json([]);
      reply(() => (i++ === 0 ? errorBody(t.name, 503, "busy") : ok));
      const r = await call(admin, fresh(t));
      expect(r.status, r.text).toBe(200);
      expect(fake.calls.length).toBe(2);
    });

    it("500 on a write: never retried (it may have taken effect), 502", async () => {
      fake.on(t.write.route, () => errorBody(t.name, 500, "boom"));
      await expectMapped(t.write.path, "POST", t.write.json, 502, /upstream-error$/);
      expect(fake.calls.length).toBe(1);
    });

    it("network error: 502", async () => {
      reply(unreachable);
      await expectMapped(fresh(t), "GET", undefined, 502, /upstream-unavailable$/);
    });

    it("no answer within the deadline (INTEGRATIONS_TIMEOUT_MS): 504", async () => {
      reply(stall);
      const started = Date.now();
      await expectMapped(fresh(t), "GET", undefined, 504, /upstream-timeout$/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(Number(CONFIGURED.INTEGRATIONS_TIMEOUT_MS) - 50);
    });

    it("an answer above the size cap: 502, not buffered", async () => {
      reply(() => new Response(`[${'"x",'.repeat(600_000)}"x"]`, { headers: { "Content-Type": "application/json" } }));
      await expectMapped(fresh(t), "GET", undefined, 502, /upstream-response-too-large$/);
    });

    it("an answer in an unexpected shape: 502", async () => {
      reply(() => Response.json({ surprise: true }));
      await expectMapped(fresh(t), "GET", undefined, 502, /upstream-malformed$/);
    });
  });
}

describe("Slack: failures inside a 200 (`ok: false`)", () => {
  const cases: Array<[string, number, RegExp]> = [
    ["invalid_auth", 502, /upstream-credentials-rejected$/],
    ["channel_not_found", 404, /not-found$/],
    ["ratelimited", 429, /upstream-rate-limited$/],
    ["msg_too_long", 422, /upstream-rejected-input$/],
  ];
  for (const [error, status, code] of cases) {
    it(`${error} → ${status}`, async () => {
      fake.on("POST slack/chat.postMessage", () => Response.json({ ok: false, error }));
      const { problem } = await expectMapped(
        "/api/slack/messages",
        "POST",
        { channel: "C123", text: "hi" },
        status,
        code,
      );
      if (status === 422) expect(problem.detail).toContain(error);
    });
  }
});

describe("Stripe: Idempotency-Key passed through", () => {
  it("the caller's key reaches Stripe unchanged; without one, none is invented", async () => {
    fake.on("POST stripe/v1/customers", () =>
      Response.json({
        id: "cus_1",
        email: "a@example.com",
        name: null,
        created: 1,
        livemode: false,
        object: "customer",
      }),
    );
    const r = await call(admin, "/api/stripe/customers", {
      method: "POST",
      json: { email: "a@example.com" },
      headers: { "Idempotency-Key": "order-42" },
    });
    expect(r.status, r.text).toBe(201);
    expect(fake.calls[0]!.headers.get("idempotency-key")).toBe("order-42");
    await call(admin, "/api/stripe/customers", { method: "POST", json: { email: "a@example.com" } });
    expect(fake.calls[1]!.headers.get("idempotency-key")).toBeNull();
  });
});

describe("cached reads", () => {
  it("a cacheable read is served from Redis for its TTL (X-Cache), per input", async () => {
    let served = 0;
    fake.on("GET stripe/v1/products", () =>
      Response.json({
        data: [{ id: "prod_1", name: `P${++served}`, active: true, created: 1, description: null }],
        has_more: false,
      }),
    );
    const first = await call(admin, "/api/stripe/products?limit=7");
    const second = await call(admin, "/api/stripe/products?limit=7");
    const other = await call(admin, "/api/stripe/products?limit=8");
    expect([first.headers.get("X-Cache"), second.headers.get("X-Cache"), other.headers.get("X-Cache")]).toEqual([
      "MISS",
      "HIT",
      "MISS",
    ]);
    expect(second.json).toEqual(first.json);
    expect(fake.calls.length).toBe(2);
  });

  it("reads without a TTL and all writes are never cached", async () => {
    fake.on("GET stripe/v1/customers", () => Response.json({ data: [], has_more: false }));
    await call(admin, "/api/stripe/customers?limit=3");
    const again = await call(admin, "/api/stripe/customers?limit=3");
    expect(again.headers.get("X-Cache")).toBeNull();
    expect(fake.calls.length).toBe(2);
  });
});

describe("integration metrics", () => {
  const TOKEN = "metrics-token-for-tests-0123456789abcdef";
  const withMetrics = { ...CONFIGURED, METRICS_TOKEN: TOKEN };
  const scrape = async (): Promise<Map<string, number>> => {
    const r = await call(null, "/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } }, withMetrics);
    expect(r.status, r.text).toBe(200);
    const series = new Map<string, number>();
    for (const line of r.text.split("\n"))
      if (line && !line.startsWith("#"))
        series.set(line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1)));
    return series;
  };
  const series = (outcome: string) =>
    `blackroad_dependency_calls_total{dependency="integration:github",outcome="${outcome}"}`;

  it("counts every upstream attempt as a dependency call: answered below 500 is ok, a 5xx or no answer is an error", async () => {
    const before = await scrape();
    fake.on("GET github/repos/octo/", () => errorBody("GitHub", 404, "Not Found"));
    expect((await call(admin, fresh(TARGETS[0]!), {}, withMetrics)).status).toBe(404);
    fake.on("POST github/repos/octo/demo/issues", () => errorBody("GitHub", 503, "down"));
    expect(
      (await call(admin, TARGETS[0]!.write.path, { method: "POST", json: TARGETS[0]!.write.json }, withMetrics)).status,
    ).toBe(502);
    fake.on("POST github/repos/octo/demo/issues", unreachable);
    expect(
      (await call(admin, TARGETS[0]!.write.path, { method: "POST", json: TARGETS[0]!.write.json }, withMetrics)).status,
    ).toBe(502);
    const after = await scrape();
    const delta = (s: string) => (after.get(s) ?? 0) - (before.get(s) ?? 0);
    expect(delta(series("ok"))).toBe(1);
    expect(delta(series("error"))).toBe(2);
    expect(delta('blackroad_dependency_duration_seconds_count{dependency="integration:github"}')).toBe(3);
  });
});
