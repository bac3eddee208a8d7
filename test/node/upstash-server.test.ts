/**
 * The local Upstash REST server, driven by the real @upstash/redis and @upstash/ratelimit
 * clients, once in front of a real redis-server and once on the embedded engine.
 * The real-Redis run needs redis-server on PATH (CI installs it) and fails without it.
 *
 *   npx vitest run --project node test/node/upstash-server.test.ts
 */
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../scripts/local-cloud/redis-server.ts";
import { startUpstashServer, type UpstashServer } from "../../scripts/local-cloud/upstash-server.ts";

const TOKEN = "local-test-token";

describe.each([{ backend: "redis" as const }, { backend: "embedded" as const }])(
  "upstash server ($backend)",
  ({ backend }) => {
    let redisServer: RedisServer | null = null;
    let server: UpstashServer;
    let redis: Redis;

    beforeAll(async () => {
      if (backend === "redis") {
        redisServer = await startRedisServer({});
        if (!redisServer) throw new Error("redis-server is not on PATH: install it (apt-get install redis-server)");
      }
      server = await startUpstashServer({ token: TOKEN, redisUrl: redisServer?.url });
      redis = new Redis({ url: server.url, token: TOKEN, retry: false, enableTelemetry: false });
    });

    afterAll(async () => {
      await server?.close();
      await redisServer?.close();
    });

    /** A raw request, for what the client library never sends (or hides). */
    async function raw(
      path: string,
      init: { body?: string; token?: string | null; headers?: Record<string, string>; method?: string } = {},
    ) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
      const res = await fetch(server.url + path, { method: init.method ?? "POST", headers, body: init.body });
      return { status: res.status, body: (await res.json()) as { result?: unknown; error?: string } };
    }

    it("reports its backend", () => {
      expect(server.backend).toBe(backend);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("GET/SET with EX, PX expiry and NX", async () => {
      expect(await redis.set("str:a", "hello", { ex: 60 })).toBe("OK");
      expect(await redis.get("str:a")).toBe("hello");
      const ttl = await redis.ttl("str:a");
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
      expect(await redis.set("str:a", "other", { nx: true })).toBeNull();
      await redis.set("str:short", "x", { px: 50 });
      await new Promise((r) => setTimeout(r, 120));
      expect(await redis.get("str:short")).toBeNull();
      expect(await redis.get("str:missing")).toBeNull();
    });

    it("hash commands: HSET, HGETALL, HDEL, EXPIRE", async () => {
      expect(await redis.hset("hash:a", { name: "Ada", visits: 3 })).toBe(2);
      expect(await redis.hgetall("hash:a")).toEqual({ name: "Ada", visits: 3 });
      expect(await redis.hdel("hash:a", "visits")).toBe(1);
      expect(await redis.hgetall("hash:a")).toEqual({ name: "Ada" });
      expect(await redis.expire("hash:a", 30)).toBe(1);
      expect(await redis.ttl("hash:a")).toBeGreaterThan(25);
      expect(await redis.hgetall("hash:none")).toBeNull();
    });

    it("INCR, and the errors for non-integers and wrong types", async () => {
      expect(await redis.incr("count:a")).toBe(1);
      expect(await redis.incr("count:a")).toBe(2);
      expect(await redis.incrby("count:a", 10)).toBe(12);
      await redis.set("count:text", "abc");
      await expect(redis.incr("count:text")).rejects.toThrow(/not an integer/);
      // The embedded engine does not check types (documented gap); Redis must.
      if (backend === "redis") await expect(redis.get("hash:a")).rejects.toThrow(/WRONGTYPE/);
    });

    it("pipeline: results in order, one failing command does not stop the rest, n commands count n", async () => {
      const before = server.commandCount();
      const results = await redis.pipeline().set("pipe:a", "1").incr("pipe:a").get("pipe:a").exec();
      expect(results).toEqual(["OK", 2, 2]);
      expect(server.commandCount() - before).toBe(3);

      const mixed = await redis
        .pipeline()
        .set("pipe:b", "x")
        .incr("pipe:b")
        .set("pipe:c", "y")
        .exec({ keepErrors: true });
      expect(mixed[1]!.error).toMatch(/not an integer/);
      expect(mixed[2]!.result).toBe("OK");
      expect(await redis.get("pipe:c")).toBe("y");
    });

    it("multi-exec runs as one atomic unit under concurrent load", async () => {
      await redis.set("tx:n", 0);
      // Each transaction reads back its own increment: any interleaving would break the pairing.
      const txs = Array.from({ length: 40 }, () => redis.multi().incr("tx:n").get("tx:n").exec());
      const noise = Array.from({ length: 40 }, () => redis.incr("tx:n"));
      const [results] = await Promise.all([Promise.all(txs), Promise.all(noise)]);
      for (const [incremented, read] of results as [number, number][]) expect(read).toBe(incremented);
      expect(await redis.get("tx:n")).toBe(80);
    });

    it("multi-exec with a queue-time error applies nothing", async () => {
      const res = await raw("/multi-exec", { body: JSON.stringify([["SET", "tx:aborted", "1"], ["NOSUCHCMD"]]) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/EXECABORT/);
      expect(await redis.get("tx:aborted")).toBeNull();
    });

    it("base64 response encoding round-trips non-ASCII values", async () => {
      const value = "héllo wörld — 日本語 🚀 \u0000 end";
      await redis.set("b64:a", value);
      expect(await redis.get("b64:a")).toBe(value);
      await redis.hset("b64:h", { clé: value });
      expect(await redis.hgetall("b64:h")).toEqual({ clé: value });

      const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
      const body = JSON.stringify(["MGET", "b64:a", "b64:none"]);
      const encoded = await raw("/", { body, headers: { "upstash-encoding": "base64" } });
      expect(encoded.body).toEqual({ result: [b64(value), null] });
      const plain = await raw("/", { body });
      expect(plain.body).toEqual({ result: [value, null] });
      // Integers stay numbers and a bare OK stays readable, as on Upstash.
      const ok = await raw("/", {
        body: JSON.stringify(["SET", "b64:n", "1"]),
        headers: { "upstash-encoding": "base64" },
      });
      expect(ok.body).toEqual({ result: "OK" });
    });

    it("EVAL, EVALSHA, SCRIPT LOAD/EXISTS, NOSCRIPT", async () => {
      const script = "return {KEYS[1], ARGV[1], 3.7, redis.call('INCR', KEYS[1])}";
      expect(await redis.eval(script, ["lua:n"], ["arg"])).toEqual(["lua:n", "arg", 3, 1]);
      const sha = await redis.scriptLoad(script);
      expect(sha).toBe(createHash("sha1").update(script).digest("hex"));
      expect(await redis.evalsha(sha, ["lua:n"], ["x"])).toEqual(["lua:n", "x", 3, 2]);
      expect(await redis.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
      await expect(redis.evalsha("f".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    });

    it("Lua sees nil replies as false, also inside arrays; Upstash's shebang flags are accepted", async () => {
      await redis.hset("lua:h", { a: "1" });
      const script = `#!lua flags=allow-key-locking
      local v = redis.call("HMGET", KEYS[1], "a", "missing")
      local function nilIsFalse(x) if x == false then return "was-false" else return "other" end end
      return {v[1], nilIsFalse(v[2]), nilIsFalse(redis.call("GET", "lua:none"))}`;
      expect(await redis.eval(script, ["lua:h"], [])).toEqual([1, "was-false", "was-false"]);
      const loaded = redis.createScript<unknown[]>(script);
      expect(await loaded.exec(["lua:h"], [])).toEqual([1, "was-false", "was-false"]);
    });

    // Day-long windows: windows are aligned to the clock, and crossing a boundary mid-test
    // (likely with short windows) legitimately changes the answers.
    it.each([
      ["fixedWindow", Ratelimit.fixedWindow(3, "1 d")],
      ["slidingWindow", Ratelimit.slidingWindow(3, "1 d")],
      ["tokenBucket", Ratelimit.tokenBucket(1, "1 d", 3)],
    ] as const)("@upstash/ratelimit %s blocks after the limit", async (name, limiter) => {
      // No ephemeral cache: every decision must come from the server, not process memory.
      const ratelimit = new Ratelimit({ redis, limiter, prefix: `rl:${name}`, ephemeralCache: false });
      expect((await ratelimit.getRemaining("user-1")).remaining).toBe(3);
      const outcomes = [];
      for (let i = 0; i < 5; i++) {
        const r = await ratelimit.limit("user-1");
        outcomes.push([r.success, r.remaining]);
      }
      expect(outcomes).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
        [false, 0],
      ]);
      const remaining = await ratelimit.getRemaining("user-1");
      expect(remaining.remaining).toBe(0);
      expect(remaining.reset).toBeGreaterThan(Date.now());
      expect((await ratelimit.limit("user-2")).success).toBe(true);
    });

    it("401 for a missing or wrong token; ?_token= works", async () => {
      const body = JSON.stringify(["PING"]);
      expect(await raw("/", { body, token: null })).toEqual({ status: 401, body: { error: "Unauthorized" } });
      expect(await raw("/", { body, token: "wrong" })).toEqual({ status: 401, body: { error: "Unauthorized" } });
      expect(await raw(`/?_token=${TOKEN}`, { body, token: null })).toEqual({ status: 200, body: { result: "PONG" } });
      const intruder = new Redis({ url: server.url, token: "wrong", retry: false, enableTelemetry: false });
      await expect(intruder.get("str:a")).rejects.toThrow(/Unauthorized/);
    });

    it("400 for malformed JSON, non-command bodies and oversized bodies", async () => {
      for (const body of ['["GET", ', '{"cmd":"GET"}', "[]", '[{"a":1}]']) {
        const res = await raw("/", { body });
        expect(res.status).toBe(400);
        expect(typeof res.body.error).toBe("string");
      }
      expect((await raw("/pipeline", { body: '[["PING"], "PING"]' })).status).toBe(400);
      expect((await raw("/", { body: JSON.stringify(["SET", "big", "x".repeat(11 * 1024 * 1024)]) })).status).toBe(413);
    });

    it("unknown command gives an error object with status 400", async () => {
      const res = await raw("/", { body: JSON.stringify(["NOSUCHCMD", "x"]) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/unknown command/i);
      await expect(redis.exec(["NOSUCHCMD"])).rejects.toThrow(/unknown command/i);
      const pipe = await raw("/pipeline", { body: JSON.stringify([["NOSUCHCMD"], ["PING"]]) });
      expect(pipe.status).toBe(200);
      expect(pipe.body).toEqual([{ error: expect.stringMatching(/unknown command/i) }, { result: "PONG" }]);
    });

    it("fails where Redis fails: SCAN … TYPE filters, WRONGTYPE, and a command the engine lacks is unknown", async () => {
      await redis.set("fid:str", "v");
      await redis.hset("fid:hash", { f: "v" });
      await redis.lpush("fid:list", "a");
      const hashes: string[] = [];
      let cursor = "0";
      do {
        const [next, page] = await redis.scan(cursor, { match: "fid:*", type: "hash", count: 1000 });
        hashes.push(...page);
        cursor = String(next);
      } while (cursor !== "0");
      expect(hashes).toEqual(["fid:hash"]);
      await expect(redis.get("fid:hash")).rejects.toThrow(/WRONGTYPE/);
      await expect(redis.incr("fid:list")).rejects.toThrow(/WRONGTYPE/);
      await expect(redis.hget("fid:str", "f")).rejects.toThrow(/WRONGTYPE/);

      const copy = await raw("/", { body: JSON.stringify(["COPY", "fid:str", "fid:copy"]) });
      const blpop = await raw("/", { body: JSON.stringify(["BLPOP", "fid:empty", "0.1"]) });
      if (backend === "redis") {
        expect(copy).toEqual({ status: 200, body: { result: 1 } });
        expect(await redis.get("fid:copy")).toBe("v");
        expect(blpop).toEqual({ status: 200, body: { result: null } });
      } else {
        // Refused in Redis' own words, never imitated (a BLPOP that returns at once is not a BLPOP).
        expect(copy).toEqual({
          status: 400,
          body: { error: "ERR unknown command 'COPY', with args beginning with: 'fid:str' 'fid:copy' " },
        });
        expect(blpop.body.error).toBe("ERR unknown command 'BLPOP', with args beginning with: 'fid:empty' '0.1' ");
        expect(await redis.get("fid:copy")).toBeNull();
      }
      // The same words as a real redis-server for a command nobody has.
      const unknown = await raw("/", { body: JSON.stringify(["NOSUCHCMD", "a", "b"]) });
      expect(unknown.body.error).toBe("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ");
      await redis.del("fid:str", "fid:hash", "fid:list", "fid:copy");
    });

    it("path form: /set/key/value, value in the body, options as query parameters", async () => {
      expect(await raw("/set/path:a/hello%20there", { method: "GET" })).toEqual({
        status: 200,
        body: { result: "OK" },
      });
      expect(await raw("/get/path:a", { method: "GET" })).toEqual({ status: 200, body: { result: "hello there" } });
      expect((await raw("/set/path:b?EX=100", { body: '{"json":true}' })).body).toEqual({ result: "OK" });
      expect(await redis.get("path:b")).toEqual({ json: true });
      expect(await redis.ttl("path:b")).toBeGreaterThan(90);
    });

    it("refuses commands that would hijack the shared connection", async () => {
      const res = await raw("/", { body: JSON.stringify(["MULTI"]) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/not available/);
    });
  },
);
