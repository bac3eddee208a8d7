import { describe, expect, it } from "vitest";
import { expectProblem, fetchWith } from "../helpers/api.ts";

describe("misconfiguration", () => {
  it("a weak SECRET_KEY in production fails closed with a 500 problem, not a silent default", async () => {
    const res = await fetchWith({ ENVIRONMENT: "production", SECRET_KEY: "short" }, "/health");
    const body = await expectProblem(res, 500);
    expect(body.detail).toMatch(/misconfigured/);
    expect(JSON.stringify(body)).not.toContain("short");
  });

  it("a missing WALLET_MASTER_KEY fails closed too", async () => {
    await expectProblem(await fetchWith({ WALLET_MASTER_KEY: "" }, "/api/system/version"), 500);
  });
});

describe("GET /api/health/summary", () => {
  it("is healthy with live latencies when every dependency answers", async () => {
    const res = await fetchWith({}, "/api/health/summary");
    const body = await res.json<{
      status: string;
      checks: Record<string, { status: string; latency_ms: number }>;
      integrations: Record<string, unknown>;
    }>();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(["healthy", "degraded"]).toContain(body.status);
    for (const name of ["postgres", "redis", "roadchain"]) {
      expect(body.checks[name]?.status).not.toBe("down");
      expect(body.checks[name]?.latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(body.integrations.openai).toEqual({ configured: false });
  });

  it("is unhealthy (503) quickly when Redis is down", async () => {
    const started = Date.now();
    const res = await fetchWith({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" }, "/api/health/summary");
    const body = await res.json<{ status: string; checks: Record<string, { status: string; error?: string }> }>();
    expect(res.status).toBe(503);
    expect(body.status).toBe("unhealthy");
    expect(body.checks.redis?.status).toBe("down");
    expect(body.checks.postgres?.status).not.toBe("down");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("is unhealthy (503) quickly when Postgres is down, without leaking the URL", async () => {
    const started = Date.now();
    const res = await fetchWith(
      { NEON_PROXY_URL: "http://127.0.0.1:9", DATABASE_URL: "postgres://user:hunter2@127.0.0.1:9/db" },
      "/api/health/summary",
    );
    const text = await res.text();
    const body = JSON.parse(text);
    expect(res.status).toBe(503);
    expect(body.checks.postgres.status).toBe("down");
    expect(body.checks.redis.status).not.toBe("down");
    expect(text).not.toContain("hunter2");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("names a failed check with a fixed phrase, never the driver's message (it carried the SQL text)", async () => {
    const res = await fetchWith(
      { NEON_PROXY_URL: "http://127.0.0.1:9", DATABASE_URL: "postgres://user:hunter2@127.0.0.1:9/db" },
      "/api/health/summary",
    );
    const text = await res.text();
    expect(JSON.parse(text).checks.postgres).toMatchObject({ status: "down", error: "unreachable" });
    expect(text).not.toMatch(/select|query|params/i);
    const redisDown = await (
      await fetchWith({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" }, "/api/health/summary")
    ).json<{ checks: { redis: unknown } }>();
    expect(redisDown.checks.redis).toMatchObject({ status: "down", error: "unreachable" });
  });
});
