import { describe, expect, it } from "vitest";
import { renderExposition } from "../../src/lib/metrics/exposition.ts";
import { DURATION_BUCKETS, MetricsRegistry } from "../../src/lib/metrics/registry.ts";

const totals = (r: MetricsRegistry) => new Map(r.drain());

describe("metrics registry", () => {
  it("adds counter deltas per label set, labels in key order and escaped", () => {
    const r = new MetricsRegistry();
    r.inc("blackroad_logins_total", { outcome: "ok" });
    r.inc("blackroad_logins_total", { outcome: "ok" }, 2);
    r.inc("blackroad_http_requests_total", { route: '/a"b\\c\nd', method: "GET", status: "2xx" });
    const t = totals(r);
    expect(t.get('blackroad_logins_total{outcome="ok"}')).toBe(3);
    expect(t.get('blackroad_http_requests_total{method="GET",route="/a\\"b\\\\c\\nd",status="2xx"}')).toBe(1);
    expect(r.size).toBe(0);
  });

  it("writes every bucket of a histogram, cumulative, with sum and count", () => {
    const r = new MetricsRegistry();
    r.observe("blackroad_http_request_duration_seconds", { route: "/x" }, 0.03);
    r.observe("blackroad_http_request_duration_seconds", { route: "/x" }, 20);
    const t = totals(r);
    for (const le of DURATION_BUCKETS) {
      const expected = (0.03 <= le ? 1 : 0) + (20 <= le ? 1 : 0);
      expect(t.get(`blackroad_http_request_duration_seconds_bucket{route="/x",le="${le}"}`)).toBe(expected);
    }
    expect(t.get('blackroad_http_request_duration_seconds_bucket{route="/x",le="+Inf"}')).toBe(2);
    expect(t.get('blackroad_http_request_duration_seconds_count{route="/x"}')).toBe(2);
    expect(t.get('blackroad_http_request_duration_seconds_sum{route="/x"}')).toBeCloseTo(20.03);
  });

  it("keeps deltas of a failed flush for the next one", () => {
    const r = new MetricsRegistry();
    r.inc("blackroad_transfers_total");
    const lost = r.drain();
    r.inc("blackroad_transfers_total");
    r.restore(lost);
    expect(totals(r).get("blackroad_transfers_total")).toBe(2);
  });

  it("stays bounded: past the series cap new series are counted as dropped, not stored", () => {
    const r = new MetricsRegistry();
    for (let i = 0; i < 6_000; i++) r.inc("blackroad_http_requests_total", { route: `/r${i}` });
    expect(r.size).toBe(5_000);
    expect(r.dropped).toBe(1_000);
  });
});

describe("exposition", () => {
  it("groups families with HELP and TYPE, orders buckets by le, and skips undeclared series", () => {
    const r = new MetricsRegistry();
    r.observe("blackroad_dependency_duration_seconds", { dependency: "redis" }, 0.002);
    r.inc("blackroad_dependency_calls_total", { dependency: "redis", outcome: "ok" });
    r.inc("not_a_declared_metric");
    const text = renderExposition(r.drain());
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "# HELP blackroad_dependency_calls_total Calls to dependencies (postgres, redis, durable_object, ai_provider, integrations) by outcome.",
    );
    expect(lines[1]).toBe("# TYPE blackroad_dependency_calls_total counter");
    expect(lines[2]).toBe('blackroad_dependency_calls_total{dependency="redis",outcome="ok"} 1');
    expect(lines[4]).toBe("# TYPE blackroad_dependency_duration_seconds histogram");
    const les = lines.filter((l) => l.includes("_bucket")).map((l) => /le="([^"]+)"/.exec(l)?.[1]);
    expect(les).toEqual([...DURATION_BUCKETS.map(String), "+Inf"]);
    expect(lines.at(-2)).toMatch(/^blackroad_dependency_duration_seconds_sum\{dependency="redis"\} 0\.002$/);
    expect(lines.at(-1)).toBe('blackroad_dependency_duration_seconds_count{dependency="redis"} 1');
    expect(text).not.toContain("not_a_declared_metric");
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("timeline for Prism", () => {
  it("computes per-minute requests, errors, p95 and dependency latency, and ranks routes", async () => {
    const { buildTimeline, quantile } = await import("../../src/services/metrics/timeline.ts");
    const r = new MetricsRegistry();
    for (let i = 0; i < 9; i++) {
      r.inc("blackroad_http_requests_total", { route: "/a", method: "GET", status: "2xx" });
      r.observe("blackroad_http_request_duration_seconds", { route: "/a", method: "GET" }, 0.02);
    }
    r.inc("blackroad_http_requests_total", { route: "/b", method: "POST", status: "5xx" });
    r.observe("blackroad_http_request_duration_seconds", { route: "/b", method: "POST" }, 3);
    r.inc("blackroad_dependency_calls_total", { dependency: "redis", outcome: "ok" });
    r.observe("blackroad_dependency_duration_seconds", { dependency: "redis" }, 0.004);
    r.inc("blackroad_logins_total", { outcome: "failed" }, 2);
    const t = buildTimeline([
      { minute: 100, series: new Map() },
      { minute: 101, series: new Map(r.drain()) },
    ]);
    expect(t.minutes[0]).toMatchObject({ t: 6_000_000, requests: 0, errors: 0, p95_ms: null });
    const m = t.minutes[1]!;
    expect(m).toMatchObject({ t: 6_060_000, requests: 10, errors: 1, business: { logins_failed: 2 } });
    // 95th of 10: the 9.5th observation, in the (2.5 s, 5 s] bucket where the slow one sits.
    expect(m.p95_ms).toBe(3750);
    expect(m.dependencies.redis).toEqual({ calls: 1, errors: 0, avg_ms: 4 });
    expect(t.routes.map((x) => [x.method, x.route, x.requests, x.error_ratio])).toEqual([
      ["GET", "/a", 9, 0],
      ["POST", "/b", 1, 1],
    ]);
    // 95th of 9 observations in the (10 ms, 25 ms] bucket: 10 + 15 × 8.55/9 = 24.25 ms.
    expect(t.routes[0]!.p95_ms).toBe(24.3);
    expect(
      quantile(
        0.5,
        new Map([
          [0.1, 0],
          [Number.POSITIVE_INFINITY, 4],
        ]),
      ),
    ).toBe(0.1);
  });
});
