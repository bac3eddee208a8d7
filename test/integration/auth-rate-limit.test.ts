import { beforeEach, describe, expect, it } from "vitest";
import { windowMs } from "../../src/middleware/rate-limit.ts";
import { ACCOUNT_WINDOW } from "../../src/services/auth/login-throttle.ts";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { awayFromWindowEdge, fetchWith, login, me, PASSWORD, randomIp, register, testRedis } from "../helpers/auth.ts";

const loginAs = (ip: string, json: unknown, headers: Record<string, string> = {}) =>
  api("/api/auth/login", { method: "POST", json, headers: { "CF-Connecting-IP": ip, ...headers } });

function expectRateHeaders(res: Response) {
  expect(Number(res.headers.get("RateLimit-Limit"))).toBeGreaterThan(0);
  expect(res.headers.get("RateLimit-Remaining")).toMatch(/^\d+$/);
  expect(res.headers.get("RateLimit-Reset")).toMatch(/^\d+$/);
}

async function expect429(res: Response) {
  const retryAfter = Number(res.headers.get("Retry-After"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60 * 15);
  await expectProblem(res, 429);
}

describe("rate limiting", () => {
  beforeEach(async () => {
    await awayFromWindowEdge(60_000);
    await awayFromWindowEdge(windowMs(ACCOUNT_WINDOW)); // the per-account login budget
  });

  it("limits login per IP (10/min) with 429, Retry-After and RateLimit-* headers, keyed ratelimit:{ip}:{endpoint}", async () => {
    const ip = randomIp();
    for (let i = 0; i < 10; i++) {
      const res = await loginAs(ip, { username: unique("ghost"), password: "not-the-password-1" });
      expect(res.status).toBe(401);
      expectRateHeaders(res);
      expect(res.headers.get("RateLimit-Remaining")).toBe(String(9 - i));
    }
    const limited = await loginAs(ip, { username: unique("ghost"), password: "not-the-password-1" });
    expectRateHeaders(limited);
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    await expect429(limited);

    const keys = (await testRedis().keys(`ratelimit:${ip}:*`)) as string[];
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.startsWith(`ratelimit:${ip}:/api/auth/login:`)).toBe(true);
  });

  it("ignores X-Forwarded-For and X-Real-IP", async () => {
    const ip = randomIp();
    const seen: string[] = []; // what the first ten got, for the failure message
    for (let i = 0; i < 10; i++) {
      const res = await loginAs(
        ip,
        { username: unique("ghost"), password: "x-x-x-x-x" },
        { "X-Forwarded-For": randomIp(), "X-Real-IP": randomIp() },
      );
      seen.push(`${res.status} remaining=${res.headers.get("RateLimit-Remaining")} at ${Date.now()}`);
    }
    const eleventh = await loginAs(
      ip,
      { username: unique("ghost"), password: "x-x-x-x-x" },
      { "X-Forwarded-For": randomIp() },
    );
    expect(eleventh.status, seen.join("; ")).toBe(429);
    await expect429(eleventh);
  });

  it("groups IPv6 clients by /64", async () => {
    const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
    const prefix = `2001:db8:${hex()}:${hex()}`;
    for (let i = 0; i < 10; i++)
      await loginAs(`${prefix}:${hex()}:${hex()}:${hex()}:${hex()}`, { username: unique("g"), password: "x-x-x-x-x" });
    await expect429(await loginAs(`${prefix}::1`, { username: unique("g"), password: "x-x-x-x-x" }));
    const keys = (await testRedis().keys(`ratelimit:${prefix}::/64:*`)) as string[];
    expect(keys.length).toBeGreaterThan(0);
  });

  it("decides 429 before any bcrypt work", async () => {
    const ip = randomIp();
    for (let i = 0; i < 10; i++) await loginAs(ip, { username: unique("ghost"), password: "x-x-x-x-x" });
    // At cost 15 one bcrypt compare takes seconds; an immediate 429 proves none ran.
    const started = Date.now();
    const res = await fetchWith({ BCRYPT_ROUNDS: "15" }, "/api/auth/login", {
      method: "POST",
      json: { username: unique("ghost"), password: "x-x-x-x-x" },
      headers: { "CF-Connecting-IP": ip },
    });
    expect(res.status).toBe(429);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("throttles failed logins per account across IPs, even for the right password, before bcrypt", async () => {
    const { username } = await register();
    for (let i = 0; i < 10; i++)
      expect((await loginAs(randomIp(), { username, password: "not-the-password-1" })).status).toBe(401);
    const res = await loginAs(randomIp(), { username: username.toUpperCase(), password: PASSWORD });
    const body = await expectProblem(res.clone(), 429);
    expect(body.type).toMatch(/too-many-login-failures$/);
    await expect429(res);
    // Other accounts are unaffected.
    const other = await register();
    await login(other.username, PASSWORD, { "CF-Connecting-IP": randomIp() });
  });

  it("counts each guess before bcrypt: 30 concurrent wrong passwords from 30 IPs get at most 10 compares", async () => {
    const { username } = await register();
    const statuses = await Promise.all(
      Array.from(
        { length: 30 },
        async () => (await loginAs(randomIp(), { username, password: "not-the-password-1" })).status,
      ),
    );
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
  });

  it("gives an account's username and email one budget, and gives correct passwords their attempt back", async () => {
    const { username, email } = await register();
    for (let i = 0; i < 12; i++) await login(username, PASSWORD, { "CF-Connecting-IP": randomIp() });
    for (let i = 0; i < 5; i++)
      expect((await loginAs(randomIp(), { username, password: "not-the-password-1" })).status).toBe(401);
    for (let i = 0; i < 5; i++)
      expect((await loginAs(randomIp(), { email: email.toUpperCase(), password: "not-the-password-1" })).status).toBe(
        401,
      );
    await expect429(await loginAs(randomIp(), { username: email, password: PASSWORD }));
    await expect429(await loginAs(randomIp(), { username, password: PASSWORD }));
  });

  it("limits register per IP (5/min)", async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i++) await register({}, { "CF-Connecting-IP": ip });
    const username = unique("r");
    await expect429(
      await api("/api/auth/register", {
        method: "POST",
        json: { username, email: `${username}@example.com`, password: PASSWORD },
        headers: { "CF-Connecting-IP": ip },
      }),
    );
  });

  it("does not limit a developer's several accounts from one machine (wrangler dev's loopback CF-Connecting-IP)", async () => {
    for (const ip of ["127.0.0.1", "::1"]) {
      for (let i = 0; i < 7; i++) {
        const username = unique("dev");
        const res = await fetchWith({ ENVIRONMENT: "development" }, "/api/auth/register", {
          method: "POST",
          json: { username, email: `${username}@example.com`, password: PASSWORD },
          headers: { "CF-Connecting-IP": ip },
        });
        expect(res.status, `${ip} registration ${i + 1}: ${await res.text()}`).toBe(201);
      }
    }
  });

  it("still limits a loopback CF-Connecting-IP in production, like any other IP", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetchWith({ ENVIRONMENT: "production" }, "/api/auth/register", {
        method: "POST",
        json: {},
        headers: { "CF-Connecting-IP": "127.0.0.1" },
      });
      statuses.push(res.status);
    }
    expect(
      statuses.slice(0, 5).every((s) => s === 422 || s === 429),
      statuses.join(),
    ).toBe(true);
    expect(statuses[5]).toBe(429);
  });

  it("limits other routes generously, keyed by route pattern, and reports the headers", async () => {
    const ip = randomIp();
    const res = await api("/api/system/version", { headers: { "CF-Connecting-IP": ip } });
    expect(res.status).toBe(200);
    expectRateHeaders(res);
    expect(Number(res.headers.get("RateLimit-Limit"))).toBeGreaterThanOrEqual(100);
    // Synced after the response (see the next describe).
    await expect
      .poll(async () =>
        ((await testRedis().keys(`ratelimit:${ip}:*`)) as string[]).some((k) =>
          k.startsWith(`ratelimit:${ip}:/api/system/version:`),
        ),
      )
      .toBe(true);
  });
});

describe("generous limits (counted per isolate, synced to Redis in batches)", () => {
  beforeEach(() => awayFromWindowEdge(60_000));
  const version = (ip: string) => api("/api/system/version", { headers: { "CF-Connecting-IP": ip } });
  const windowKeys = (ip: string) => {
    const bucket = Math.floor(Date.now() / 60_000);
    return [bucket, bucket + 1].map((b) => `ratelimit:${ip}:/api/system/version:${b}`); // and the next, in case a minute turns
  };

  it("refuses the 301st request of a minute with 429 and counts every request in Redis", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await version(ip)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const refused = await version(ip);
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    await expect429(refused);
    // The increments run after each response; wait for them to land.
    const redis = testRedis();
    await expect
      .poll(async () =>
        (await Promise.all(windowKeys(ip).map((k) => redis.get<number>(k)))).reduce<number>(
          (a, v) => a + Number(v ?? 0),
          0,
        ),
      )
      .toBe(300);
    // The seed's TTL: a key lives until its one-minute window ends.
    const ttls = await Promise.all(windowKeys(ip).map((k) => redis.pttl(k)));
    expect(ttls.some((t) => t > 0 && t <= 60_000)).toBe(true);
  });

  it("learns the count other isolates left in Redis from its next sync, and refuses from then on", async () => {
    const ip = randomIp();
    const redis = testRedis();
    for (const key of windowKeys(ip)) await redis.set(key, 300, { px: 120_000 });
    // The isolate has not heard of this client yet: its first request goes through and is synced.
    expect((await version(ip)).status).toBe(200);
    await expect.poll(async () => (await version(ip)).status).toBe(429);
  });
});

describe("Redis outages", () => {
  const DEAD = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };

  it("fails auth routes closed with a quick 503, never a hang", async () => {
    const { username } = await register();
    for (const [path, json] of [
      ["/api/auth/login", { username, password: PASSWORD }],
      ["/api/auth/register", { username: unique("r"), email: `${unique("r")}@example.com`, password: PASSWORD }],
      ["/api/auth/refresh", { refresh_token: "x.y.z" }],
    ] as const) {
      const started = Date.now();
      const res = await fetchWith(DEAD, path, { method: "POST", json, headers: { "CF-Connecting-IP": randomIp() } });
      expect(Date.now() - started, path).toBeLessThan(3000);
      expect(res.headers.get("Retry-After"), path).toBeTruthy();
      await expectProblem(res, 503);
    }
  });

  it("fails login closed even off Cloudflare (no limiter), because the session cannot be stored", async () => {
    const { username } = await register();
    await expectProblem(
      await fetchWith(DEAD, "/api/auth/login", { method: "POST", json: { username, password: PASSWORD } }),
      503,
    );
  });

  it("fails authenticated requests closed with 503 (session store unreachable)", async () => {
    const { username } = await register();
    const pair = await login(username);
    const started = Date.now();
    const res = await fetchWith(DEAD, "/api/auth/me", { headers: { Authorization: `Bearer ${pair.access_token}` } });
    expect(Date.now() - started).toBeLessThan(3000);
    await expectProblem(res, 503);
    // Logout cannot be proven without Redis: 503, not a 204/200 that did not happen.
    await expectProblem(
      await fetchWith(DEAD, "/api/auth/logout", {
        method: "POST",
        headers: { Authorization: `Bearer ${pair.access_token}` },
      }),
      503,
    );
    expect((await me(pair.access_token)).status).toBe(200);
  });

  it("lets other routes through (fail open) when the limiter's Redis is down", async () => {
    const res = await fetchWith(DEAD, "/api/system/version", { headers: { "CF-Connecting-IP": randomIp() } });
    expect(res.status).toBe(200);
  });
});
