/**
 * `ops status` and `ops health` against a running system (the browser tests' system: local cloud +
 * wrangler dev), backed by a redis-server this test starts — so it can stop it and watch the status
 * turn unhealthy and the exit code with it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../browser/system.ts";
import { ops } from "../helpers/ops.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start")), 15_000);
    child.stdout!.on("data", (c: Buffer) => {
      if (/Ready to accept connections/i.test(c.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return child;
}

describe("ops status and health against a running system", () => {
  let system: TestSystem;
  let redis: ChildProcess | undefined;
  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    system = await startSystem({}, { redisUrl: `redis://127.0.0.1:${port}/0` });
  }, 150_000);
  afterAll(async () => {
    await system?.stop();
    if (redis && redis.exitCode === null) redis.kill("SIGKILL");
  }, 30_000);

  it("status: healthy, each dependency with its latency, the deployed version and git sha", async () => {
    const out = await ops(["status", "development", "--url", system.url, "--json"]);
    // On a loaded machine a check can take over 500 ms: "slow", and the system "degraded" (still exit 0).
    expect(out.json).toMatchObject({
      environment: "development",
      url: system.url,
      status: expect.stringMatching(/^(healthy|degraded)$/),
      ok: true,
      http_status: 200,
      version: { git_sha: "browser-test", environment: "development" },
    });
    for (const dep of ["postgres", "redis", "roadchain"]) {
      expect(out.json.checks[dep]).toMatchObject({ status: expect.stringMatching(/^(up|slow)$/) });
      expect(out.json.checks[dep].latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(out.code).toBe(0);
    const text = await ops(["status", "dev", "--url", system.url]);
    expect(text.stdout).toMatch(/status +(healthy|degraded)/);
    expect(text.stdout).toMatch(/redis +(up|slow) +\d+(\.\d+)? ms/);
    expect(text.stdout).toContain("(browser-test)");
  });

  it("health: every entrypoint of the Worker, and the checks of Postgres and Redis", async () => {
    const out = await ops(["health", "edge-api", "development", "--url", system.url, "--json"]);
    expect(out.code).toBe(0);
    expect(out.json.entrypoints.map((e: { path: string; ok: boolean }) => [e.path, e.ok])).toEqual([
      ["/health", true],
      ["/api/health/summary", true],
      ["/api/system/version", true],
      ["/prism/health", true],
    ]);
    for (const service of ["postgres", "redis", "api-docs"]) {
      const r = await ops(["health", service, "development", "--url", system.url, "--json"]);
      expect(r.code, `${service}: ${r.stdout}`).toBe(0);
      expect(r.json.ok).toBe(true);
    }
  });

  it("a planned service has nothing to check: exit 1, said plainly", async () => {
    const out = await ops(["health", "agents", "development", "--url", system.url]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("agents is planned (target 2027-Q1): nothing deployed to check");
  });

  it("with Redis stopped: status says redis is down and exits 1; health redis fails; postgres still ok", async () => {
    redis!.kill("SIGTERM");
    await new Promise((r) => redis!.once("exit", r));
    const out = await ops(["status", "development", "--url", system.url, "--json"]);
    expect(out.json).toMatchObject({ status: "unhealthy", ok: false, http_status: 503 });
    expect(out.json.checks.redis).toMatchObject({ status: "down" });
    expect(out.json.checks.postgres).toMatchObject({ status: "up" });
    expect(out.code).toBe(1);
    const text = await ops(["status", "development", "--url", system.url]);
    expect(text.stdout).toMatch(/redis +down/);
    const health = await ops(["health", "redis", "development", "--url", system.url, "--json"]);
    expect(health.code).toBe(1);
    expect(health.json.entrypoints[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/^redis down/) });
    const pg = await ops(["health", "postgres", "development", "--url", system.url]);
    expect(pg.code).toBe(0);
  });

  it("an unreachable deployment: exit 3 within the timeout", async () => {
    const closed = await freePort();
    const started = Date.now();
    const out = await ops(["status", "--url", `http://127.0.0.1:${closed}`, "--timeout", "2000", "--json"]);
    expect(out.code).toBe(3);
    expect(out.json).toMatchObject({ status: "unreachable", ok: false, http_status: null, error: "ECONNREFUSED" });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
