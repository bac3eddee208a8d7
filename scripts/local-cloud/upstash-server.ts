/**
 * Local stand-in for Upstash's Redis REST API: what @upstash/redis and @upstash/ratelimit send
 * (POST / with a JSON command, /pipeline, /multi-exec, the /cmd/arg path form, base64 response
 * encoding, bearer or ?_token= auth). In front of a real Redis (ioredis) when `redisUrl` is
 * given, else an in-process ioredis-mock: a fallback for machines without redis-server, looser
 * than Redis (see embeddedEngine), so CI runs the real one. Dev and test tooling, never deployed.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";
import RedisMock from "ioredis-mock";
import { scanWithType, supported, unknownCommand, wrongType } from "./embedded-redis-fidelity.ts";

export type UpstashServerOptions = { port?: number; host?: string; token: string; redisUrl?: string };
export type UpstashServer = {
  url: string;
  backend: "redis" | "embedded";
  close(): Promise<void>;
  /** Redis commands executed so far; a pipeline or transaction of n commands counts n. */
  commandCount(): number;
};

type Cmd = string[];
type Outcome = { result: unknown } | { error: string };
type Engine = {
  kind: "redis" | "embedded";
  /** Runs commands in order; `tx` = all or nothing (throws EXECABORT on queue-time errors). */
  run(cmds: Cmd[], tx: boolean): Promise<Outcome[]>;
  /** Rewrites a Lua script into something this backend compiles (see the shebang notes). */
  adaptScript(src: string): string;
  close(): Promise<void>;
};

const MAX_BODY = 10 * 1024 * 1024;
// Redis' command table (arity, flags) as shipped with ioredis, which depends on it.
const SPEC: Record<string, { arity: number; flags: string[] }> = createRequire(import.meta.url)(
  "@ioredis/commands/built/commands.json",
);
const specOf = (name: string) => (Object.hasOwn(SPEC, name) ? SPEC[name] : undefined); // not "constructor"...
// Connection-state and pub/sub commands would hijack the shared backend connection; Upstash
// refuses them over REST too (transactions go through /multi-exec).
const REFUSED = new Set(
  (
    "multi exec discard watch unwatch select swapdb quit reset hello auth client monitor sync " +
    "psync replicaof slaveof shutdown subscribe psubscribe ssubscribe unsubscribe punsubscribe sunsubscribe"
  ).split(" "),
);
// Shebang flags Redis 7 knows. @upstash/ratelimit sends `#!lua flags=allow-key-locking`, an
// Upstash-only flag that plain Redis rejects ("Unexpected flag in script shebang").
const REDIS_SCRIPT_FLAGS = new Set(["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"]);
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const sha1 = (s: string) => createHash("sha1").update(s, "utf8").digest("hex");

/** Backend reply -> what Upstash's JSON carries (RESP2 shapes; Lua conversions when `lua`). */
function plain(v: unknown, lua: boolean): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Error) return v.message;
  if (Buffer.isBuffer(v)) return v.toString("utf8");
  if (Array.isArray(v)) return v.map((x) => plain(x, lua));
  if (typeof v === "boolean") return v ? 1 : lua ? null : 0; // Lua false is nil
  if (typeof v === "number" && lua) return Math.trunc(v); // Redis truncates Lua numbers
  // ioredis-mock answers HGETALL with an object; Upstash sends a flat field/value array.
  if (typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [k, plain(x, lua)]);
  return v;
}

async function redisEngine(url: string): Promise<Engine> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // Connection errors reach callers through the failing commands; without a listener ioredis
  // would also print each reconnect attempt.
  let lastError: unknown;
  client.on("error", (err) => (lastError = err));
  await client.connect().catch((err) => {
    client.disconnect();
    throw new Error(`upstash-server: cannot reach Redis at ${url}: ${errText(lastError ?? err)}`);
  });
  return {
    kind: "redis",
    async run(cmds, tx) {
      // A blocking command (BLPOP...) would stall every request sharing the connection.
      const blocking = cmds.some((c) => specOf(c[0]!.toLowerCase())?.flags.includes("blocking"));
      const conn = blocking ? client.duplicate() : client;
      try {
        const batch = tx ? conn.multi() : conn.pipeline();
        // Upper case on purpose: ioredis keys its reply transformers by lower-case name
        // (HGETALL -> object), so upper case keeps replies raw, as Upstash returns them.
        for (const [name, ...args] of cmds) batch.call(name!.toUpperCase(), ...args);
        const replies = await batch.exec().catch((err: Error & { previousErrors?: Error[] }) => {
          const why = err.previousErrors?.map((e) => e.message).join("; ");
          throw new Error(why ? `${err.message} (${why})` : err.message);
        });
        return (replies ?? []).map(([err, r]) => (err ? { error: err.message } : { result: plain(r, false) }));
      } finally {
        if (blocking) conn.disconnect();
      }
    },
    adaptScript: (src) =>
      src.replace(
        /^(#!lua[^\n]*?flags=)(\S*)/,
        (_, head: string, flags: string) =>
          head +
          flags
            .split(",")
            .filter((f) => REDIS_SCRIPT_FLAGS.has(f))
            .join(","),
      ),
    close: async () => void (await client.quit().catch(() => client.disconnect())),
  };
}

// ioredis-mock hands Lua its replies as JS proxies: a nil inside an array is JS null, not false
// (breaks `v == false` checks, e.g. HMGET in ratelimit's token bucket), nested arrays are
// 0-based and pcall errors are ["error", msg]. This wraps redis.call/pcall to give plain Lua
// tables as Redis does. Kept on one line so error line numbers still match the script.
const LUA_PRELUDE =
  "local __fix; __fix = function(v, base) if type(v) ~= 'userdata' then return v end " +
  "local ok, n = pcall(function() return #v end) if not ok then return false end " +
  "local t = {} for i = 1, n do t[i] = __fix(v[i - 1 + base], 0) end return t end " +
  "local __call, __pcall = redis.call, redis.pcall redis.call = function(...) return __fix(__call(...), 1) end " +
  "redis.pcall = function(...) local r = __pcall(...) if type(r) == 'userdata' and r[0] == 'error' then " +
  "return { err = r[1] } end return __fix(r, 1) end;";

// The client sends options in lower case ("set k v ex 60"); ioredis-mock only knows upper case.
// Where a command's options start, and how many values each option takes.
const OPTIONS_AT: Record<string, number> = {
  set: 2,
  getex: 1,
  zadd: 1,
  zrange: 3,
  zrevrange: 3,
  zrangebyscore: 3,
  zrevrangebyscore: 3,
  linsert: 1,
  lmove: 2,
  lpos: 2,
  scan: 1,
  sscan: 2,
  hscan: 2,
  zscan: 2,
};
const OPTION_ARGS: Record<string, number> = {
  NX: 0,
  XX: 0,
  GT: 0,
  LT: 0,
  CH: 0,
  INCR: 0,
  GET: 0,
  KEEPTTL: 0,
  PERSIST: 0,
  WITHSCORES: 0,
  BYSCORE: 0,
  BYLEX: 0,
  REV: 0,
  BEFORE: 0,
  AFTER: 0,
  LEFT: 0,
  RIGHT: 0,
  EX: 1,
  PX: 1,
  EXAT: 1,
  PXAT: 1,
  MATCH: 1,
  COUNT: 1,
  TYPE: 1,
  RANK: 1,
  MAXLEN: 1,
  LIMIT: 2,
};
function upperOptions(name: string, args: string[]): string[] {
  const out = [...args];
  for (let i = OPTIONS_AT[name] ?? out.length; OPTION_ARGS[out[i]?.toUpperCase() ?? ""] !== undefined; ) {
    out[i] = out[i]!.toUpperCase();
    i += OPTION_ARGS[out[i]!]! + 1; // skip the option's values
  }
  return out;
}

/**
 * In-process engine on ioredis-mock, whose EVAL runs real Lua 5.3 (fengari). Gaps, none on
 * @upstash/ratelimit's path (embedded-redis-fidelity.ts makes the common ones fail as Redis does:
 * unknown command, WRONGTYPE, SCAN … TYPE): no blocking commands, COPY, pub/sub, stream groups,
 * SCRIPT KILL or FUNCTION, SCRIPT LOAD does not compile;
 * inside Lua no arity/integer checks, no redis.error_reply/status_reply, and "" reads as false.
 */
function embeddedEngine(): Engine {
  // ioredis-mock shares a keyspace between instances with the same host:port; a unique host
  // gives every server its own.
  type Fn = (...args: unknown[]) => Promise<unknown>;
  const mock = new RedisMock({ host: `embedded-${randomUUID()}` }) as unknown as Record<string, Fn>;
  let tail: Promise<unknown> = Promise.resolve();

  /** The checks Redis makes before running a command, so MULTI can abort up front. */
  function queueError([raw, ...args]: Cmd): string | undefined {
    const name = raw!.toLowerCase();
    const spec = specOf(name);
    // What the engine cannot do (blocking commands would not block) is refused as Redis refuses
    // a command it lacks, before anything else: never a silent imitation.
    if (!spec || !supported(mock, name) || spec.flags.includes("blocking")) return unknownCommand(raw!, args);
    const argc = args.length + 1;
    if (spec.arity > 0 ? argc !== spec.arity : argc < -spec.arity)
      return `ERR wrong number of arguments for '${name}' command`;
  }

  async function runOne(cmd: Cmd): Promise<Outcome> {
    const rejected = queueError(cmd);
    if (rejected) return { error: rejected };
    const [name, ...args] = [cmd[0]!.toLowerCase(), ...cmd.slice(1)];
    try {
      // The mock would store NaN; counters are too common to let that pass silently.
      const current = /^(incr|decr)(by)?$/.test(name) ? [await mock.get!(args[0]), args[1]] : [];
      const wrong = await wrongType(mock, name, args);
      if (wrong) throw new Error(wrong);
      if (current.some((v) => v != null && !/^-?\d+$/.test(String(v))))
        throw new Error("ERR value is not an integer or out of range");
      if (name === "scan" && args.some((a) => a.toUpperCase() === "TYPE"))
        return { result: plain(await scanWithType(mock, args), false) };
      return { result: plain(await mock[name]!(...upperOptions(name, args)), name.startsWith("eval")) };
    } catch (err) {
      return { error: errText(err) };
    }
  }

  return {
    kind: "embedded",
    run(cmds, tx) {
      // One batch at a time, like Redis' single thread, so a transaction or pipeline never
      // interleaves with another request even if some mock command really awaits.
      const job = tail.then(async () => {
        const bad = tx ? cmds.map(queueError).filter(Boolean) : [];
        if (bad.length)
          throw new Error(`EXECABORT Transaction discarded because of previous errors. (${bad.join("; ")})`);
        const out: Outcome[] = [];
        for (const cmd of cmds) out.push(await runOne(cmd));
        return out;
      });
      tail = job.catch(() => {});
      return job;
    },
    // fengari cannot compile a "#!" line, so the prelude takes its place (same line count).
    adaptScript: (src) => (src.startsWith("#!") ? src.replace(/^#![^\n]*/, LUA_PRELUDE) : `${LUA_PRELUDE} ${src}`),
    close: async () => void (await mock.flushall!(), await mock.disconnect!()),
  };
}

export async function startUpstashServer(opts: UpstashServerOptions): Promise<UpstashServer> {
  if (!opts.token) throw new Error("upstash-server: a token is required");
  const engine = opts.redisUrl ? await redisEngine(opts.redisUrl) : embeddedEngine();
  // Keyed by the SHA-1 of the text the client sent: the text we run may be adapted, and
  // @upstash/ratelimit calls EVALSHA with hard-coded hashes of its original scripts.
  const scripts = new Map<string, string>();
  let executed = 0;

  /** Script bookkeeping happens here (or is answered locally); the rest goes to the engine. */
  function prepare(cmd: Cmd): { local: Outcome } | { cmd: Cmd; result?: unknown } {
    const [raw, first, ...rest] = cmd;
    const name = raw!.toLowerCase();
    if (REFUSED.has(name)) return { local: { error: `ERR command '${name}' is not available over the REST API` } };
    // EVALSHA runs as EVAL of the adapted text; the embedded engine has no read-only variant.
    const evalName = name.endsWith("_ro") && engine.kind === "redis" ? "eval_ro" : "eval";
    if ((name === "eval" || name === "eval_ro") && first !== undefined) {
      scripts.set(sha1(first), first);
      return { cmd: [evalName, engine.adaptScript(first), ...rest] };
    }
    if ((name === "evalsha" || name === "evalsha_ro") && first !== undefined) {
      const src = scripts.get(first.toLowerCase());
      if (!src) return { local: { error: "NOSCRIPT No matching script. Please use EVAL." } };
      return { cmd: [evalName, engine.adaptScript(src), ...rest] };
    }
    const sub = name === "script" ? first?.toLowerCase() : undefined;
    if (sub === "load" && rest.length === 1) {
      scripts.set(sha1(rest[0]!), rest[0]!);
      // Real Redis compiles on LOAD, so syntax errors surface here rather than at EVALSHA.
      if (engine.kind === "redis") return { cmd: [raw!, first!, engine.adaptScript(rest[0]!)], result: sha1(rest[0]!) };
      return { local: { result: sha1(rest[0]!) } };
    }
    if (sub === "exists") return { local: { result: rest.map((s) => (scripts.has(s.toLowerCase()) ? 1 : 0)) } };
    if (sub === "flush") scripts.clear();
    if (sub === "flush" && engine.kind === "embedded") return { local: { result: "OK" } };
    return { cmd };
  }

  async function execute(cmds: Cmd[], tx: boolean): Promise<Outcome[]> {
    executed += cmds.length;
    const out: Outcome[] = new Array(cmds.length);
    const forward: { at: number; cmd: Cmd; result?: unknown }[] = [];
    for (const [at, p] of cmds.map(prepare).entries())
      if ("local" in p) out[at] = p.local;
      else forward.push({ at, ...p });
    const replies = forward.length
      ? await engine.run(
          forward.map((f) => f.cmd),
          tx,
        )
      : [];
    forward.forEach(
      (f, i) => (out[f.at] = "result" in replies[i]! && f.result !== undefined ? { result: f.result } : replies[i]!),
    );
    return out;
  }

  const expected = createHash("sha256").update(opts.token).digest();
  function authorized(req: IncomingMessage, url: URL) {
    const header = req.headers.authorization ?? "";
    const given = /^bearer /i.test(header) ? header.slice(7).trim() : url.searchParams.get("_token");
    // Comparing digests: equal lengths, and the time taken says nothing about the token.
    return given != null && timingSafeEqual(createHash("sha256").update(given).digest(), expected);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!authorized(req, url)) return send(res, 401, { error: "Unauthorized" });
    const method = req.method ?? "GET";
    if (!["GET", "HEAD", "POST", "PUT"].includes(method)) return send(res, 405, { error: "Method Not Allowed" });
    if (String(req.headers["upstash-response-format"] ?? "json").toLowerCase() !== "json")
      return send(res, 400, { error: "ERR the local server only implements the JSON response format" });
    const body = await readBody(req);
    if (body === null) return send(res, 413, { error: `ERR request body exceeds ${MAX_BODY} bytes` });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const path = url.pathname.replace(/\/+$/, "");

    if (path === "/pipeline" || path === "/multi-exec") {
      if (method !== "POST" && method !== "PUT") return send(res, 405, { error: "Method Not Allowed" });
      const parsed = parseJson(body),
        cmds = Array.isArray(parsed) && parsed.length ? parsed.map(toCommand) : [null];
      if (cmds.some((c) => c === null))
        return send(res, 400, { error: "ERR body must be a non-empty JSON array of commands" });
      return execute(cmds as Cmd[], path === "/multi-exec").then(
        (outs) =>
          send(
            res,
            200,
            outs.map((o) => encode(o, base64)),
          ),
        (err) => send(res, 400, { error: errText(err) }), // EXECABORT
      );
    }
    let cmd: Cmd | null;
    if (path === "" && body !== "") cmd = toCommand(parseJson(body));
    else {
      // Path form: /set/key?EX=100 with the value as the body means SET key <body> EX 100.
      try {
        cmd = path.split("/").slice(1).map(decodeURIComponent);
      } catch {
        return send(res, 400, { error: "ERR malformed percent-encoding in path" });
      }
      if (body !== "") cmd.push(body);
      for (const [k, v] of url.searchParams) if (k !== "_token") cmd.push(k, v);
    }
    if (!cmd?.[0]) return send(res, 400, { error: "ERR body must be a JSON array: [command, ...args]" });
    const [out] = await execute([cmd], false);
    return send(res, "error" in out! ? 400 : 200, encode(out!, base64));
  }

  const server = createServer(
    (req, res) => void handle(req, res).catch((err) => send(res, 500, { error: `ERR ${errText(err)}` })),
  );
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve),
  );
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
    backend: engine.kind,
    commandCount: () => executed,
    async close() {
      // @upstash/redis keeps connections alive; without this close() would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

/** JSON array -> Redis arguments; the client sends numbers and booleans unquoted. */
function toCommand(v: unknown): Cmd | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const ok = v.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean");
  return ok ? v.map(String) : null;
}

/** undefined for invalid JSON, which callers then report as "not a command array". */
function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Upstash-Encoding: base64 encodes every string in the result, nested ones too, so any bytes
 * survive JSON. A bare top-level "OK" stays readable, as on Upstash (the client special-cases it).
 */
function encode(o: Outcome, base64: boolean): Outcome {
  if (!base64 || !("result" in o) || o.result === "OK") return o;
  const enc = (v: unknown): unknown =>
    typeof v === "string" ? Buffer.from(v, "utf8").toString("base64") : Array.isArray(v) ? v.map(enc) : v;
  return { result: enc(o.result) };
}

/**
 * The UTF-8 body, or null past MAX_BODY. An oversized body is still read to the end (and
 * dropped) so the client finishes sending and sees the 413 instead of a broken pipe.
 */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) if ((size += chunk.length) <= MAX_BODY) chunks.push(chunk);
  return size > MAX_BODY ? null : Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, payload: unknown) {
  const body = JSON.stringify(payload);
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
}
