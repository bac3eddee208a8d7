import { describe, expect, it } from "vitest";
import { type ApiInit, api, expectProblem, fetchWith, unique } from "../helpers/api.ts";
import { PASSWORD, randomIp } from "../helpers/auth.ts";
import { walletOf } from "../helpers/chain.ts";
import { createUsers } from "../helpers/users.ts";

/** Requests through a Worker whose METRICS_TOKEN is set (metrics are only collected then). */
const TOKEN = "metrics-token-for-tests-0123456789abcdef";
const withMetrics = (path: string, init: ApiInit = {}) => fetchWith({ METRICS_TOKEN: TOKEN }, path, init);

async function scrape(): Promise<Map<string, number>> {
  const res = await withMetrics("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    series.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return series;
}

/** What changed between two scrapes, for the series named. */
const delta = (before: Map<string, number>, after: Map<string, number>, series: string) =>
  (after.get(series) ?? 0) - (before.get(series) ?? 0);

describe("GET /metrics", () => {
  it("is refused while METRICS_TOKEN is not configured", async () => {
    const problem = await expectProblem(await api("/metrics"), 503);
    expect(problem.type).toMatch(/metrics-not-configured$/);
    expect(problem.detail).toContain("METRICS_TOKEN");
  });

  it("needs the bearer token", async () => {
    await expectProblem(await withMetrics("/metrics"), 401);
    await expectProblem(await withMetrics("/metrics", { headers: { Authorization: `Bearer ${TOKEN}x` } }), 401);
    await expectProblem(await withMetrics("/metrics", { headers: { Authorization: "Bearer short" } }), 401);
  });

  it("counts requests by route pattern, method and status class, with a latency histogram", async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await withMetrics("/health")).status).toBe(200);
    expect((await withMetrics(`/api/blockchain/blocks/${unique("nope")}`)).status).toBe(422);
    const after = await scrape();
    expect(delta(before, after, 'blackroad_http_requests_total{method="GET",route="/health",status="2xx"}')).toBe(3);
    expect(
      delta(before, after, 'blackroad_http_request_duration_seconds_bucket{method="GET",route="/health",le="+Inf"}'),
    ).toBe(3);
    expect(delta(before, after, 'blackroad_http_request_duration_seconds_count{method="GET",route="/health"}')).toBe(3);
    // The pattern, not the raw path: one series however many ids are asked for.
    expect(
      delta(
        before,
        after,
        'blackroad_http_requests_total{method="GET",route="/api/blockchain/blocks/:block_id",status="4xx"}',
      ),
    ).toBe(1);
    expect([...after.keys()].some((k) => k.includes("nope"))).toBe(false);
    expect(after.get("blackroad_up")).toBe(1);
  });

  it("counts dependency calls, registrations and logins by outcome", async () => {
    const before = await scrape();
    const username = unique("m");
    const reg = await withMetrics("/api/auth/register", {
      method: "POST",
      json: { username, email: `${username}@example.com`, password: PASSWORD },
    });
    expect(reg.status).toBe(201);
    expect(
      (await withMetrics("/api/auth/login", { method: "POST", json: { username, password: `${PASSWORD}x` } })).status,
    ).toBe(401);
    expect(
      (await withMetrics("/api/auth/login", { method: "POST", json: { username, password: PASSWORD } })).status,
    ).toBe(200);
    const after = await scrape();
    expect(delta(before, after, "blackroad_registrations_total")).toBe(1);
    expect(delta(before, after, 'blackroad_logins_total{outcome="failed"}')).toBe(1);
    expect(delta(before, after, 'blackroad_logins_total{outcome="ok"}')).toBe(1);
    expect(
      delta(before, after, 'blackroad_dependency_calls_total{dependency="postgres",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      delta(before, after, 'blackroad_dependency_calls_total{dependency="redis",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(2);
  });

  it("counts rate-limit refusals, cache hits and misses, transfers and their volume", async () => {
    const [alice, bob] = await createUsers(2);
    const before = await scrape();
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await withMetrics("/api/auth/register", { method: "POST", json: {}, headers: { "CF-Connecting-IP": ip } }))
          .status,
      );
    }
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
    await withMetrics("/api/blockchain/stats");
    await withMetrics("/api/blockchain/stats");
    const to = (await walletOf(bob!)).address;
    const res = await withMetrics("/api/blockchain/transactions", {
      method: "POST",
      headers: alice!.headers,
      json: { to_address: to, amount: 1.5 },
    });
    expect(res.status, await res.text()).toBe(201);
    const after = await scrape();
    expect(delta(before, after, 'blackroad_rate_limit_refusals_total{route="/api/auth/register"}')).toBe(1);
    expect(
      delta(before, after, 'blackroad_cache_requests_total{result="hit"}') +
        delta(before, after, 'blackroad_cache_requests_total{result="miss"}'),
    ).toBe(2);
    expect(delta(before, after, 'blackroad_cache_requests_total{result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, "blackroad_transfers_total")).toBe(1);
    expect(delta(before, after, "blackroad_transfer_volume_coins_total")).toBeCloseTo(1.5);
    expect(after.has("blackroad_blocks_mined_total")).toBe(true);
    expect(after.has("blackroad_active_miners")).toBe(true);
  });
});
