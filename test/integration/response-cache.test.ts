import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { notFound, onError } from "../../src/lib/errors.ts";
import { type Redis, redisClient } from "../../src/lib/redis.ts";
import {
  CACHE_POLICIES,
  cachedJson,
  cacheKey,
  invalidateCache,
  VERSION_TTL_SECONDS,
  versionKey,
} from "../../src/lib/response-cache.ts";
import type { AppBindings, Services } from "../../src/types.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { fetchWith, testRedis } from "../helpers/auth.ts";
import { createUser } from "../helpers/users.ts";

/**
 * Other test files write posts and videos at the same time, and every such write (correctly)
 * invalidates the shared feed/video caches. So "the next identical request is a HIT" is checked as
 * "within a few back-to-back pairs, the second of a pair is a HIT with the same body and ETag".
 */
async function expectMissThenHit(path: string, headers: Record<string, string> = {}, second = path) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const a = await api(path, { headers });
    const aBody = await a.text();
    expect(a.status, aBody).toBe(200);
    if (attempt === 0) expect(a.headers.get("X-Cache")).toBe("MISS");
    const b = await api(second, { headers });
    const bBody = await b.text();
    expect(b.status, bBody).toBe(200);
    if (b.headers.get("X-Cache") === "HIT") {
      expect(bBody).toBe(aBody);
      expect(b.headers.get("ETag")).toBe(a.headers.get("ETag"));
      return { body: bBody, etag: b.headers.get("ETag")! };
    }
  }
  throw new Error(`${second} never became a HIT`);
}

const rnd = () => 20 + Math.floor(Math.random() * 80); // a limit nobody else asks for: a fresh key

describe("response cache through the API", () => {
  it("MISS then HIT; equal parsed params share one key whatever their order", async () => {
    const limit = rnd();
    await expectMissThenHit(
      `/api/social/feed?scope=public&limit=${limit}`,
      {},
      `/api/social/feed?limit=${limit}&scope=public&offset=0`,
    );
  });

  it("a write invalidates: the writer's next read is a MISS that contains the write", async () => {
    const a = await createUser();
    const path = `/api/social/feed?limit=${rnd()}`;
    await expectMissThenHit(path, a.headers);
    const created = await api("/api/social/posts", { method: "POST", headers: a.headers, json: { content: "fresh" } });
    const post = (await created.json()) as { id: number };
    const after = await api(path, { headers: a.headers });
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(((await after.json()) as Array<{ id: number }>).map((p) => p.id)).toContain(post.id);
  });

  it("a matching If-None-Match is a 304 with the ETag; a stale one is a 200", async () => {
    const a = await createUser();
    const path = `/api/video?category=${crypto.randomUUID()}`;
    const first = await api(path, { headers: a.headers });
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await api(path, { headers: { ...a.headers, "If-None-Match": `W/"nope", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe("");
    const stale = await api(path, { headers: { ...a.headers, "If-None-Match": '"something-else"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get("Cache-Control")).toBe("private, no-cache");
  });

  it("per-user responses are never shared: B does not get A's is_liked", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const post = (await (
      await api("/api/social/posts", { method: "POST", headers: a.headers, json: { content: "like target" } })
    ).json()) as { id: number };
    await api(`/api/social/posts/${post.id}/like`, { method: "POST", headers: a.headers });
    const path = `/api/social/feed?scope=public&limit=${rnd()}`;
    const seen = async (u: typeof a) =>
      ((await (await api(path, { headers: u.headers })).json()) as Array<{ id: number; is_liked: boolean }>).find(
        (p) => p.id === post.id,
      );
    expect((await seen(a))?.is_liked).toBe(true);
    expect((await seen(b))?.is_liked).toBe(false);
    expect((await seen(a))?.is_liked).toBe(true);
  });

  it("errors are not cached", async () => {
    const a = await createUser();
    for (let i = 0; i < 2; i++) {
      const res = await api("/api/video?limit=1000", { headers: a.headers });
      await expectProblem(res, 422);
      expect(res.headers.get("X-Cache")).toBeNull();
    }
  });

  it("Redis down: a cached public route still answers 200 (a miss), quickly", async () => {
    const started = Date.now();
    const res = await fetchWith(
      { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" },
      "/api/social/feed?scope=public&limit=3",
    );
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(Array.isArray(JSON.parse(text))).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

/** A minimal app around cachedJson with an instrumented Redis client. */
function probeApp(redis: Redis, load: () => Promise<unknown>, params: Record<string, unknown>) {
  const app = new Hono<AppBindings>();
  app.use(async (c, next) => {
    c.set("requestId", "cache-probe");
    c.set("services", { redis } as unknown as Services);
    await next();
  });
  app.get("/probe", (c) => cachedJson(c, { endpoint: "/api/video", params, userId: 0, load }));
  app.onError(onError);
  return app;
}

function counted(redis: Redis) {
  const calls: string[] = [];
  const proxy = new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function"
        ? (...args: unknown[]) => (calls.push(String(prop)), value.apply(target, args))
        : value;
    },
  });
  return { redis: proxy, calls };
}

describe("response cache internals", () => {
  it("a hit is exactly one Redis call (MGET of the entry and its version tokens)", async () => {
    const { redis, calls } = counted(testRedis());
    let loads = 0;
    const app = probeApp(redis, async () => ({ n: ++loads }), { probe: crypto.randomUUID() });
    let res = await app.request("/probe");
    expect(res.headers.get("X-Cache")).toBe("MISS");
    // A concurrent video write elsewhere may bump the version: retry the pair a few times.
    for (let i = 0; i < 8 && res.headers.get("X-Cache") !== "HIT"; i++) {
      calls.length = 0;
      res = await app.request("/probe");
    }
    expect(res.headers.get("X-Cache")).toBe("HIT");
    expect(calls).toEqual(["mget"]);
  });

  it("a hit returns any Unicode exactly as loaded (replies are plain JSON, not base64)", async () => {
    const text = 'héllo 🚀 中文 \u2028 \ud800 \u0000 \\ "quoted"';
    const app = probeApp(redisClient(env), async () => ({ text }), { probe: crypto.randomUUID() });
    const miss = await app.request("/probe");
    let hit = await app.request("/probe");
    for (let i = 0; i < 8 && hit.headers.get("X-Cache") !== "HIT"; i++) hit = await app.request("/probe");
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    const body = await hit.text();
    expect(body).toBe(await miss.text());
    expect(JSON.parse(body)).toEqual({ text });
  });

  it("a load that throws caches nothing; the next call loads again", async () => {
    let loads = 0;
    const app = probeApp(
      testRedis(),
      async () => {
        if (++loads === 1) throw notFound("not yet");
        return { ok: true };
      },
      { probe: crypto.randomUUID() },
    );
    expect((await app.request("/probe")).status).toBe(404);
    const res = await app.request("/probe");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(loads).toBe(2);
  });

  it("a lost version key never resurrects an old entry", async () => {
    const redis = testRedis();
    let loads = 0;
    const params = { probe: crypto.randomUUID() };
    const app = probeApp(redis, async () => ({ n: ++loads }), params);
    await app.request("/probe");
    await redis.del(versionKey("video")); // as if evicted or expired
    const res = await app.request("/probe");
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(await res.json()).toEqual({ n: 2 });
  });

  it("version tokens expire, always after the entries stored under them (Redis does not grow with users)", async () => {
    const redis = testRedis();
    const params = { probe: crypto.randomUUID() };
    await probeApp(redis, async () => ({ ok: true }), params).request("/probe");
    const entryTtl = await redis.ttl(await cacheKey("/api/video", params, 0));
    expect(entryTtl).toBeGreaterThan(0);
    expect(entryTtl).toBeLessThanOrEqual(CACHE_POLICIES["/api/video"].ttl);
    const versionTtl = await redis.ttl(versionKey("video"));
    expect(versionTtl).toBeGreaterThan(entryTtl);
    expect(VERSION_TTL_SECONDS).toBeGreaterThan(Math.max(...Object.values(CACHE_POLICIES).map((p) => p.ttl)));
    // A bump (a write) keeps the expiry: per-user tokens such as ai:{id} never pile up.
    const dataset = `ai:${crypto.randomUUID()}`;
    await invalidateCache(redis, [dataset]);
    expect(await redis.ttl(versionKey(dataset))).toBeGreaterThan(VERSION_TTL_SECONDS - 60);
  });

  it("a Redis failure is a miss: served from the origin, never an error", async () => {
    const dead = redisClient({ ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" });
    const app = probeApp(dead, async () => ({ fine: true }), { probe: 1 });
    const res = await app.request("/probe");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(await res.json()).toEqual({ fine: true });
  });

  it("an unreadable entry (another format, garbage) is a miss that overwrites it", async () => {
    const redis = testRedis();
    const params = { probe: crypto.randomUUID() };
    const key = await cacheKey("/api/video", params, 0);
    let loads = 0;
    const app = probeApp(redis, async () => ({ n: ++loads }), params);
    const older = 'c1\n\n"x"\n{"n":0}'; // the format before the headers line
    for (const junk of [
      '{"v":[],"e":"\\"x\\"","b":"{}"}',
      older,
      "c2\nno-etag-line",
      'c2\n\n"x"\nnot-json\n{}',
      "garbage",
    ]) {
      await redis.set(key, junk, { ex: 60 });
      const res = await app.request("/probe");
      expect(res.headers.get("X-Cache"), junk).toBe("MISS");
      expect(await res.json()).toEqual({ n: loads });
      expect(await redis.get<string>(key)).toMatch(/^c2\n/);
    }
  });

  it("keys follow the seed's shape and ignore param order; every TTL is within 5–60 minutes", async () => {
    const a = await cacheKey("/api/video", { sort: "newest", limit: 20, offset: 0 }, 7);
    const b = await cacheKey("/api/video", { offset: 0, limit: 20, sort: "newest" }, 7);
    const c = await cacheKey("/api/video", { offset: 0, limit: 20, sort: "newest" }, 8);
    expect(a).toMatch(/^api:cache:\/api\/video:[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    for (const [endpoint, policy] of Object.entries(CACHE_POLICIES)) {
      expect(policy.ttl, endpoint).toBeGreaterThanOrEqual(5 * 60);
      expect(policy.ttl, endpoint).toBeLessThanOrEqual(60 * 60);
    }
  });
});
