import { describe, expect, it } from "vitest";
import { DURATION_BUCKETS, MetricsRegistry } from "../../src/lib/metrics/registry.ts";
import { renderExposition } from "../../src/lib/metrics/exposition.ts";

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
    expect(lines[0]).toBe("# HELP blackroad_dependency_calls_total Calls to dependencies (postgres, redis, durable_object, ai_provider, integrations) by outcome.");
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
