/**
 * `npm run bench`: every hot path of the API against its floor, measured in the same run.
 *
 *   1. builds the Worker as deployed (wrangler deploy --dry-run) and the floor Worker (floor-worker.ts);
 *      bundle size, start-up (module evaluation) time in workerd
 *   2. starts the local cloud in front of real PostgreSQL + redis-server when available (else the
 *      embedded engines) and seeds it (seed.ts: 1,000 users, 10,000 valid blocks, 50,000 signed
 *      transactions, mail, posts)
 *   3. serves both Workers on workerd (runtime.ts) and loads each endpoint with autocannon (load.ts)
 *   4. writes bench-results/bench-<time>.json and .md (and latest.*), prints the table
 *
 * Environment: BENCH_SECONDS (per run, default 10), BENCH_CONNECTIONS (default 10),
 * BENCH_ONLY=<regex> (run only matching endpoints; floors they need always run), BENCH_PROFILE=<regex>
 * (CPU profile of the Worker during matching runs, see profile.ts), BENCH_BACKEND,
 * BENCH_DATABASE_URL, BENCH_RESEED=1 (see backends.ts), BENCH_CLIENTS (client addresses: a pool size, or `unique` for a new one per request; see load.ts).
 * Loopback only.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { SAMPLE_WINDOW_BLOCKS, SAMPLE_WINDOWS } from "../src/services/chain/verify-incremental.ts";
import { FEED_QUERY } from "../test/helpers/graphql-queries.ts";
import { startBackends } from "./backends.ts";
import { buildApi, buildFloor } from "./build.ts";
import { FIRST_REQUEST_PATHS, measureFirstRequests } from "./first-requests.ts";
import {
  clientMode,
  type LoadContext,
  type LoadSpec,
  nextClientIp,
  processCpuMs,
  type RequestParts,
  runLoad,
} from "./load.ts";
import { startProfiler, summarize } from "./profile.ts";
import { consoleTable, floorTable, markdownTable, type Row, ratios } from "./report.ts";
import { childPid, measureStartup, readWranglerSettings, startRuntime } from "./runtime.ts";
import { type SeedOptions, scaledSeedOptions, seed } from "./seed.ts";
import { measureVerification, verificationLines } from "./verify-scale.ts";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "bench-results");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, "i") : undefined;
const PROFILE = process.env.BENCH_PROFILE ? new RegExp(process.env.BENCH_PROFILE, "i") : undefined;
/** Size of the seeded data (seed.ts scaledSeedOptions): 1 = today's table, 10 = every table ten times. */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

// Bench-only keys (never used anywhere else). The master key is fixed because the seeded wallets
// are encrypted under it and the seed is cached between runs.
const SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789abcdef";
const WALLET_MASTER_KEY = "bench-wallet-master-key-0123456789abcdef0123456789";
const LOGGED_IN_USERS = 16;

const log = (msg: string) => console.log(`[bench] ${msg}`);
const started = new Date();
mkdirSync(OUT, { recursive: true });

// ---- machine ----
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  nproc: Number(execFileSync("nproc", { encoding: "utf8" }).trim()),
  loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  node: process.version,
  workerd: packageVersion("@cloudflare/workerd-linux-64") ?? packageVersion("workerd"),
  miniflare: packageVersion("miniflare"),
  wrangler: packageVersion("wrangler"),
};
log(
  `machine: ${machine.nproc} × ${machine.cpuModel}, load ${machine.loadAtStart.join(" ")}; node ${machine.node}, workerd ${machine.workerd}`,
);

// ---- build ----
const buildDir = join(OUT, ".build");
rmSync(buildDir, { recursive: true, force: true });
mkdirSync(buildDir, { recursive: true });
const api = await buildApi(buildDir);
const floorScript = await buildFloor(buildDir);
const settings = readWranglerSettings();
log(
  `bundle: ${kib(api.bytes)} KiB in ${api.modules} modules (${kib(api.gzipBytes)} KiB gzip), ${kib(api.startupBytes)} KiB read at start-up`,
);
const startup = await measureStartup(api.path, settings, 3);
const floorStartup = await measureStartup(floorScript, settings, 3);
log(
  `start-up (module evaluation in workerd): ${startup.median.toFixed(1)} ms (floor Worker ${floorStartup.median.toFixed(1)} ms)`,
);
// Route modules load on first use: what a new isolate's first requests add (first-requests.ts).
const firstRequests = await measureFirstRequests(api.path, settings, FIRST_REQUEST_PATHS, 3);
log(`a new isolate's first requests: ${firstRequests.map((r) => `${r.label} ${r.ms.toFixed(0)} ms`).join("; ")}`);

// ---- backends and data ----
const BCRYPT_ROUNDS = Number(settings.vars.BCRYPT_ROUNDS ?? 12);
const seedOptions: Omit<SeedOptions, "databaseUrl"> = {
  masterKey: WALLET_MASTER_KEY,
  bcryptRounds: BCRYPT_ROUNDS,
  ...scaledSeedOptions(SCALE),
};
const backends = await startBackends({
  run: async (databaseUrl) => {
    log("seeding (first run, or the seed changed)…");
    const result = await seed({ databaseUrl, ...seedOptions });
    log(`seeded in ${JSON.stringify(result.seconds)} s: ${JSON.stringify(result.counts)}`);
    return result;
  },
  key: seedOptions,
  cacheFile: join(OUT, SCALE === 1 ? ".seed-cache.json" : `.seed-cache-x${SCALE}.json`),
  scale: SCALE,
});
if (process.env.BENCH_SEED_ONLY === "1") {
  // Build (or check) the seeded template and stop: the large scale's seed takes minutes. Like any run
  // it re-creates the bench database from the template, so take the bench lock for it too.
  log(`seed ready (scale ${SCALE}${backends.seedCached ? ", from the template" : ""})`);
  await backends.stop();
  process.exit(0);
}
const data = backends.seed;
log(
  `backends: postgres ${backends.kind.postgres}; redis ${backends.kind.redis}${backends.seedCached ? "; seed from the template database" : ""}`,
);
const cloudPid = childPid("serve.ts");
const redisPid = cloudPid ? childPid("redis-server", cloudPid) : undefined;

// ---- runtime ----
const persistDir = join(OUT, ".state");
rmSync(persistDir, { recursive: true, force: true }); // the RoadChain object starts empty and adopts the seeded tail
const cloud = backends.cloud;
const dataBindings = {
  DATABASE_URL: cloud.databaseUrl,
  NEON_PROXY_URL: cloud.neonProxyUrl,
  UPSTASH_REDIS_REST_URL: cloud.upstashUrl,
  UPSTASH_REDIS_REST_TOKEN: cloud.upstashToken,
};
let workerLines = 0;
const runtime = await startRuntime({
  apiScript: api.path,
  floorScript,
  settings,
  persistDir,
  // development: requests without CF-Connecting-IP skip the rate limiter (the "no limiter" runs);
  // every other run sends an address per request, so the limiter runs exactly as in production.
  apiBindings: { ENVIRONMENT: "development", SECRET_KEY, WALLET_MASTER_KEY, ...dataBindings },
  floorBindings: { ...dataBindings, WALLET_MASTER_KEY },
  onLog: () => void workerLines++,
  inspector: PROFILE !== undefined,
});
await upstash(["SET", "bench:floor", "x".repeat(64)]);

const ctx: LoadContext = {
  stats: () => cloud.stats(),
  groups: [
    { name: "workerd", pids: () => (runtime.pid ? [runtime.pid] : []) },
    { name: "cloud", pids: () => [cloudPid, redisPid].filter((p): p is number => p !== undefined) },
    { name: "postgres", pids: () => backends.backendPids() },
  ],
};

// ---- checks before loading: the seeded chain verifies, and the users can log in ----
// GET /verify walks at most 2,000 new blocks per request (verify-incremental.ts): from genesis it
// takes several, each leaving a checkpoint; the load row below then measures the steady state.
const firstRuns: Awaited<ReturnType<typeof getJson>>[] = [];
do firstRuns.push(await getJson(`${runtime.apiUrl}/api/blockchain/verify`));
while (firstRuns.at(-1)!.complete === false && firstRuns.length < 500);
const sumOf = (key: string) => firstRuns.reduce((n, r) => n + Number(r[key]), 0);
const verifyFirst: (typeof firstRuns)[number] = {
  ...firstRuns.at(-1)!,
  checked_blocks: sumOf("checked_blocks") - (firstRuns.length - 1), // each request re-checks its checkpoint's block
  checked_transactions: sumOf("checked_transactions"),
  duration_ms: sumOf("duration_ms"),
};
log(
  `verify (first, adopts the head): valid=${verifyFirst.valid} blocks=${verifyFirst.checked_blocks} txs=${verifyFirst.checked_transactions} in ${firstRuns.length} requests, ${verifyFirst.duration_ms} ms`,
);
if (!verifyFirst.valid || verifyFirst.height !== data.tip.height)
  throw new Error(`the seeded chain does not verify: ${JSON.stringify(verifyFirst).slice(0, 500)}`);
const pgBaseline = await backends.connectionCount();

const sessions: { token: string; user: (typeof data.users)[number] }[] = [];
for (let i = 0; i < LOGGED_IN_USERS; i += 2) {
  await Promise.all(
    [i, i + 1].map(async (k) => {
      const user = data.users[k * 7]!;
      const pair = await postJson(`${runtime.apiUrl}/api/auth/login`, {
        username: user.username,
        password: data.password,
      });
      sessions.push({ token: pair.access_token, user });
    }),
  );
}
log(`${sessions.length} users logged in; postgres connections at baseline: ${pgBaseline ?? "n/a (PGlite)"}`);

// ---- the runs ----
const rows: Row[] = [];
const floors = new Map<string, Row>(); // the latest measurement of each floor
const pgPeak = { n: pgBaseline ?? 0 };
const auth = (i: number) => ({ authorization: `Bearer ${sessions[i % sessions.length]!.token}` });
const pick = <T>(xs: readonly T[], i: number) => xs[(i * 7919) % xs.length]!;

async function measure(
  group: Row["group"],
  name: string,
  floor: string | null,
  spec: Partial<LoadSpec> & { next: (i: number) => RequestParts; warmup?: number },
  note?: string,
): Promise<Row | undefined> {
  const isFloor = group === "floor";
  if (!isFloor && ONLY && !ONLY.test(name)) return undefined;
  if (floor) await measureFloor(floor, spec.connections);
  const full: LoadSpec = {
    name,
    url: isFloor ? runtime.floorUrl : runtime.apiUrl,
    connections: CONNECTIONS,
    seconds: SECONDS,
    ...spec,
  };
  // Warm-up: JIT tiers, caches (a cached GET's first request is its miss), pools. Cheap routes
  // run WARMUP_SECONDS at full concurrency (V8 needs thousands of calls to optimise the stack);
  // slow ones a fixed number of requests, run to completion so none overlaps the measured run.
  if (spec.warmup === undefined) await runLoad({ ...full, seconds: WARMUP_SECONDS }, ctx);
  else if (spec.warmup > 0)
    await runLoad({ ...full, amount: spec.warmup, connections: Math.min(full.connections, spec.warmup) }, ctx);
  const profiler = PROFILE?.test(name)
    ? await startProfiler(await runtime.inspectorUrl(), isFloor ? "floor" : "api")
    : undefined;
  const result = await runLoad(full, ctx);
  if (profiler) {
    const profile = await profiler.stop();
    const file = `${name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}.cpuprofile`;
    writeFileSync(join(OUT, file), JSON.stringify(profile));
    const s = summarize(profile, isFloor ? floorScript : api.path);
    log(`profile of ${name}: ${s.totalMs - s.idleMs} ms busy of ${s.totalMs} ms (bench-results/${file})`);
    for (const m of s.byModule.slice(0, 12)) log(`  ${String(m.share).padStart(5)}%  ${m.module}`);
    for (const f of s.byFunction.slice(0, 15)) log(`  ${String(f.share).padStart(5)}%  ${f.fn}  [${f.module}]`);
  }
  const n = await backends.connectionCount();
  if (n !== null) pgPeak.n = Math.max(pgPeak.n, n);
  const f = floor ? floors.get(floor) : undefined;
  const row: Row = { ...result, group, floor, floorRps: f?.rps, floorP50: f?.p50, note };
  if (isFloor) floors.set(name, row);
  rows.push(row);
  const { rpsShare, p50Times } = ratios(row);
  log(
    `${name.padEnd(44)} ${String(Math.round(row.rps)).padStart(6)} req/s  p50 ${row.p50.toFixed(2)}  p99 ${row.p99.toFixed(2)} ms  errors ${row.errors}` +
      (rpsShare !== undefined ? `  (${rpsShare.toFixed(0)}% of ${floor}'s req/s, p50 ${p50Times!.toFixed(2)}×)` : "") +
      `  sql ${row.sqlPerReq} redis ${row.redisPerReq}`,
  );
  if (row.errors) log(`  statuses: ${JSON.stringify(row.statuses)}`);
  return row;
}

// Floors: the minimal I/O of each route shape, through the same driver, client and relays
// (r = Redis GET, h = select 1 over Neon HTTP, p = select 1 in a pool transaction). Each endpoint's
// floor is measured right before it: on a shared machine the load drifts, so a ratio is only fair
// between two runs taken back to back.
const FLOOR_SPECS: Record<string, { path: (i: number) => string; note?: string }> = {
  const: { path: () => "/const", note: "bare Worker, constant body" },
  "const+log": { path: () => "/const?log=1", note: "and one JSON log line, as every API request writes" },
  hono: { path: () => "/hono", note: "the same body from a bare Hono app: the framework alone" },
  ...Object.fromEntries(
    ["r", "h", "p", "rr", "rh", "rhr", "rhbr", "rhhh"].map((seq) => [seq, { path: () => `/io/${seq}` }]),
  ),
  // The list route's own query for the same users it is asked for (auth(i) below).
  rt: {
    path: (i) => `/io/rt?user=${sessions[i % sessions.length]!.user.id}`,
    note: "session GET, then the list route's own query and rows",
  },
  // The transfer route's own work for the same payer and payee as the load below: session GET, the
  // transfer service (read, key unwrap and signature, one batch), one Redis write (the invalidation).
  rwr: {
    path: (i) =>
      `/io/rwr?user=${sessions[i % sessions.length]!.user.id}&to=${sessions[(i + 1) % sessions.length]!.user.address}`,
    note: "session GET, the transfer's own service call, one Redis write",
  },
};
async function measureFloor(name: string, connections = CONNECTIONS) {
  const spec = FLOOR_SPECS[name]!;
  await measure("floor", name, null, { connections, next: (i) => ({ path: spec.path(i) }) }, spec.note);
}
if (!ONLY) await measureFloor("const+log"); // reference only: what one log line costs a bare Worker

const api_ = (
  name: string,
  floor: string | null,
  spec: Partial<LoadSpec> & { next: (i: number) => RequestParts; warmup?: number },
  note?: string,
) => measure("api", name, floor, spec, note);

await api_("GET /health", "const", { next: () => ({ path: "/health" }) });
// The same route against a bare Hono app: what our middleware (request id, security headers,
// config, CORS) adds on top of the framework.
await api_("GET /health, vs a bare Hono app", "hono", { next: () => ({ path: "/health" }) });
// The rate limiter's Redis call on these routes runs after the response (see rate-limit.ts), so the
// floors hold only the I/O on the request path; the Redis/req column counts both.
await api_(
  "GET /api/system/version",
  "const",
  { next: () => ({ path: "/api/system/version" }) },
  "limiter synced after the response",
);
await api_("GET /api/blockchain/stats (cached, HIT)", "r", { next: () => ({ path: "/api/blockchain/stats" }) });
await api_("GET /api/auth/me", "rh", { next: (i) => ({ path: "/api/auth/me", headers: auth(i) }) });
await api_(
  "GET /api/blockchain/blocks (random page)",
  "rhr",
  {
    next: (i) => ({ path: `/api/blockchain/blocks?limit=20&offset=${(i * 7919) % (data.tip.height - 20)}` }),
  },
  "mostly MISS",
);
const transactionsPage = (i: number) => ({ path: "/api/blockchain/transactions?limit=20", headers: auth(i) });
await api_("GET /api/blockchain/transactions", "rh", { next: transactionsPage });
// The same route against a floor that runs its own query (a `select 1` returns no rows to shape):
// the ratio is then what the API adds around the data (middleware, JWT, validation, serialisation).
await api_("GET /api/blockchain/transactions, vs its own query", "rt", { next: transactionsPage });
await api_(
  "GET /api/blockchain/transactions/{hash}",
  "h",
  {
    next: (i) => ({ path: `/api/blockchain/transactions/${pick(data.sampleTxHashes, i)}` }),
  },
  "one indexed SELECT",
);
// Full-text search over the seeded posts and mail (100,000+ indexed rows): a word and a prefix as typed.
await api_(
  "GET /api/search",
  "rh",
  {
    next: (i) => ({ path: `/api/search?q=${encodeURIComponent(pick(data.searchQueries, i))}`, headers: auth(i) }),
  },
  "100,000 posts + mail indexed; floor: one SELECT",
);
// GraphQL next to the REST routes that return the same data (docs/graphql.md). The feed query is the
// one test/integration/graphql.test.ts counts (3 statements: the feed, every author, every post's first
// comments), run one after another, hence the floor rhhh; REST needs the feed and then one comments
// request per post for the same data. `me` with wallet and transactions is REST's /api/auth/me +
// /api/blockchain/wallet + /api/blockchain/transactions (rows above and below).
const ME_QUERY =
  "{ me { id username wallet { address balance } transactions(first: 20) { nodes { hash fromAddress toAddress amount fee timestamp isConfirmed } pageInfo { hasNextPage } } } }";
const graphql =
  (query: string, variables?: Record<string, unknown>) =>
  (i: number): RequestParts => ({
    method: "POST",
    path: "/api/graphql",
    headers: { ...auth(i), "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
// A GraphQL error still answers 200: check each query's answer once before loading it.
if (!ONLY || ONLY.test("graphql"))
  for (const [query, variables] of [[FEED_QUERY, { first: 20 }], [ME_QUERY]] as const) {
    const { method, headers, body: payload } = graphql(query, variables)(0);
    const res = await fetch(`${runtime.apiUrl}/api/graphql`, { method, headers, body: payload });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
    if (res.status !== 200 || body.errors || !body.data)
      throw new Error(`GraphQL ${query.slice(0, 40)}… answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    log(
      `graphql check: ${JSON.stringify(body.data).length} bytes of data for ${query.slice(0, 30).replace(/\s+/g, " ")}…`,
    );
  }
await api_("GET /api/social/feed (following, 20)", "rh", {
  next: (i) => ({ path: "/api/social/feed?scope=following&limit=20", headers: auth(i) }),
});
await api_(
  "GET /api/social/posts/{id}/comments (limit 2)",
  "rh",
  {
    next: (i) => ({
      path: `/api/social/posts/${1 + ((i * 7919) % (data.counts.posts ?? 100_000))}/comments?limit=2`,
      headers: auth(i),
    }),
  },
  "REST's feed needs one per post for the first comments",
);
await api_(
  "POST /api/graphql feed(20) + authors + first comments",
  "rhhh",
  { expect: [200], next: graphql(FEED_QUERY, { first: 20 }) },
  "3 statements: feed, authors, comments",
);
await api_("GET /api/blockchain/wallet", "rh", { next: (i) => ({ path: "/api/blockchain/wallet", headers: auth(i) }) });
await api_(
  "POST /api/graphql me { wallet transactions(20) }",
  "rhhh",
  { expect: [200], next: graphql(ME_QUERY) },
  "REST: GET /api/auth/me + /api/blockchain/wallet + /api/blockchain/transactions",
);
await api_("GET /api/dashboard/overview (cached, HIT)", "rr", {
  next: (i) => ({ path: "/api/dashboard/overview", headers: auth(i) }),
});

// Cache misses, one request at a time: before each, the data set's version token is replaced (as
// a write does), so the route loads from Postgres and stores the entry again.
await missSequence("GET /api/dashboard/overview (MISS)", "chain", (i) => ({
  path: "/api/dashboard/overview",
  headers: auth(i),
}));
await missSequence("GET /api/blockchain/stats (MISS)", "chain", () => ({ path: "/api/blockchain/stats" }));

// Without the rate limiter (no CF-Connecting-IP: skipped outside production), against the route's own I/O.
const bare = { clientIps: false };
await measure("no-limiter", "GET /api/system/version, no limiter", "const", {
  ...bare,
  next: () => ({ path: "/api/system/version" }),
});
await measure("no-limiter", "GET /api/blockchain/stats (HIT), no limiter", "r", {
  ...bare,
  next: () => ({ path: "/api/blockchain/stats" }),
});
await measure("no-limiter", "GET /api/auth/me, no limiter", "rh", {
  ...bare,
  next: (i) => ({ path: "/api/auth/me", headers: auth(i) }),
});
await measure("no-limiter", "GET /api/blockchain/transactions/{hash}, no limiter", "h", {
  ...bare,
  next: (i) => ({ path: `/api/blockchain/transactions/${pick(data.sampleTxHashes, i)}` }),
});

// Many clients (issue 22): every request from an address the isolate has never seen (load.ts), as
// at the edge, so each one is a new key for the limiter's per-isolate counters and their syncs.
const fresh = { clientIps: "unique" as const };
await measure("unique-clients", "GET /api/auth/me, every request a new client", "rh", {
  ...fresh,
  next: (i) => ({ path: "/api/auth/me", headers: auth(i) }),
});
await measure("unique-clients", "GET /api/blockchain/transactions, every request a new client", "rh", {
  ...fresh,
  next: transactionsPage,
});
await measure(
  "unique-clients",
  "GET /api/blockchain/transactions, every request a new client, vs its own query",
  "rt",
  {
    ...fresh,
    next: transactionsPage,
  },
);

// Writes: transfers between the logged-in users (each has 1,000,000 coins), under load and alone.
const transferSpec = {
  expect: [201],
  warmup: 300,
  next: (i: number) => ({
    method: "POST",
    path: "/api/blockchain/transactions",
    headers: auth(i),
    body: JSON.stringify({ to_address: sessions[(i + 1) % sessions.length]!.user.address, amount: "0.001" }),
  }),
};
await api_("POST /api/blockchain/transactions (transfer)", "rhbr", transferSpec);
await api_("POST /api/blockchain/transactions (transfer), 1 connection", "rhbr", {
  ...transferSpec,
  connections: 1,
  warmup: 20,
});
// Against a floor that does the transfer's own work (a batch of trivial statements writes nothing):
// the ratio is then what the API adds around it (middleware, JWT, validation, idempotency, JSON).
await api_("POST /api/blockchain/transactions (transfer), vs its own work", "rwr", transferSpec);

// CPU-bound routes: fewer connections (this machine has few cores), no floor.
await api_(
  "POST /api/auth/login",
  null,
  {
    connections: 2,
    warmup: 2,
    next: (i) => ({
      method: "POST",
      path: "/api/auth/login",
      body: JSON.stringify({ username: pick(data.users, i).username, password: data.password }),
    }),
  },
  `bcrypt cost ${BCRYPT_ROUNDS}`,
);
await api_(
  "GET /api/blockchain/verify",
  null,
  { connections: 1, amount: 3, warmup: 0, next: () => ({ path: "/api/blockchain/verify" }) },
  `incremental: checkpoint at the head + ${SAMPLE_WINDOWS * SAMPLE_WINDOW_BLOCKS} sampled of ${verifyFirst.checked_blocks} blocks`,
);

const mineSpec = {
  connections: 1,
  warmup: 3,
  expect: [201],
  next: (i: number) => ({ method: "POST", path: "/api/blockchain/blocks", headers: auth(i), body: "{}" }),
};
await api_("POST /api/blockchain/blocks (difficulty 4)", null, mineSpec);
// Metrics on and off (issue 21): /health and one I/O route, back to back, off → on → off → on, so
// the two pairs show the run-to-run noise the difference must stay within (docs/performance.md).
if (!ONLY || ONLY.test("metrics")) await metricsOnOff();

if (!ONLY || ONLY.test("POST /api/blockchain/blocks (difficulty 1)")) {
  await runtime.setApiBindings({ BLOCKCHAIN_DIFFICULTY: "1" });
  await api_("POST /api/blockchain/blocks (difficulty 1)", null, mineSpec);
  await api_("POST /api/blockchain/blocks (difficulty 1)", null, { ...mineSpec, connections: 4 }, "4 miners race");
}

async function metricsOnOff(): Promise<void> {
  const token = "bench-metrics-token-0123456789abcdef";
  const routes: [string, string, (i: number) => RequestParts][] = [
    ["GET /health", "const", () => ({ path: "/health" })],
    ["GET /api/blockchain/transactions", "rh", transactionsPage],
  ];
  for (const round of [1, 2]) {
    for (const on of [false, true]) {
      await runtime.setApiBindings(on ? { METRICS_TOKEN: token } : {});
      for (const [name, floor, next] of routes) {
        await measure("metrics", `${name}, metrics ${on ? "on" : "off"} (${round})`, floor, { next });
      }
      // Collection really ran (or really did not): /metrics counts the route, or answers 503 without a token.
      const res = await fetch(`${runtime.apiUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      const counted = /blackroad_http_requests_total\{[^}]*route="\/health"[^}]*\} (\d+)/.exec(text)?.[1];
      if (on ? res.status !== 200 || !counted : res.status !== 503)
        throw new Error(`metrics ${on ? "on" : "off"}: /metrics answered ${res.status}: ${text.slice(0, 300)}`);
      if (on) log(`  /metrics counted ${counted} requests to /health`);
    }
  }
  await runtime.setApiBindings({});
}

async function missSequence(name: string, dataset: string, next: (i: number) => RequestParts, n = 40): Promise<void> {
  if (ONLY && !ONLY.test(name)) return;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const run = async (i: number) => {
    await upstash(["SET", `api:cache:version:${dataset}`, randomUUID()]);
    const parts = next(i);
    const t0 = performance.now();
    const res = await fetch(`${runtime.apiUrl}${parts.path}`, {
      headers: { ...parts.headers, "cf-connecting-ip": nextClientIp() },
    });
    await res.arrayBuffer();
    const ms = performance.now() - t0;
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 200 && res.headers.get("X-Cache") === "MISS") latencies.push(ms);
    else errors++;
  };
  for (let i = 0; i < 5; i++) await run(i); // warm-up
  latencies.length = 0;
  const before = { stats: await cloud.stats(), cpu: runtime.pid ? processCpuMs(runtime.pid) : 0 };
  const started = performance.now();
  for (let i = 0; i < n; i++) await run(i);
  const seconds = (performance.now() - started) / 1000;
  const after = { stats: await cloud.stats(), cpu: runtime.pid ? processCpuMs(runtime.pid) : 0 };
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100;
  const per = (x: number) => Math.round((x / n) * 100) / 100;
  const row: Row = {
    name,
    group: "api",
    floor: null,
    note: "sequential, version token bumped before each",
    connections: 1,
    seconds,
    requests: latencies.length,
    rps: Math.round((n / seconds) * 10) / 10,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
    errors,
    statuses,
    sqlPerReq: per(after.stats.httpQueries - before.stats.httpQueries),
    redisPerReq: per(after.stats.redisCommands - before.stats.redisCommands) - 1, // minus our SET
    openSocketsAfter: after.stats.openSockets,
    cpuMsPerReq: { workerd: per(after.cpu - before.cpu) },
  };
  rows.push(row);
  log(
    `${name.padEnd(44)} p50 ${row.p50.toFixed(2)}  p99 ${row.p99.toFixed(2)} ms  errors ${errors}  sql ${row.sqlPerReq} redis ${row.redisPerReq}`,
  );
}

// ---- single measurements in workerd ----
const bcrypt = await getJson(`${runtime.floorUrl}/bcrypt?cost=${BCRYPT_ROUNDS}&runs=5`);
const mining = await getJson(`${runtime.floorUrl}/mining?ms=2000`);
const verifyAfter = await getJson(`${runtime.apiUrl}/api/blockchain/verify`);
log(
  `verify after the writes: valid=${verifyAfter.valid} blocks=${verifyAfter.checked_blocks} txs=${verifyAfter.checked_transactions} in ${verifyAfter.duration_ms} ms`,
);
// Verification's CPU at this chain's size, in Node on the services' code (verify-scale.ts).
// Skipped by BENCH_VERIFY_SCALE=0 or a BENCH_ONLY that names no verify row (at BENCH_SCALE=10 its full
// pass alone takes a minute or more).
const verifyScale =
  process.env.BENCH_VERIFY_SCALE !== "0" && (!ONLY || ONLY.test("verify"))
    ? await measureVerification(cloud.databaseUrl)
    : undefined;
for (const line of verifyScale ? verificationLines(verifyScale) : []) log(line);

// ---- connections: back to baseline once the relays' idle pools let go ----
const pgAfterRuns = await backends.connectionCount();
let pgSettled = pgAfterRuns;
const settleDeadline = Date.now() + 40_000;
while (pgSettled !== null && pgBaseline !== null && pgSettled > pgBaseline && Date.now() < settleDeadline) {
  await new Promise((r) => setTimeout(r, 2_000));
  pgSettled = await backends.connectionCount();
}
const finalStats = await cloud.stats();

const miningRows = (mining.rows as { name: string; hashesPerSec: number }[]).map((r) => ({
  ...r,
  hashesPerSec: Math.round(r.hashesPerSec),
}));
const loop = miningRows[0]!.hashesPerSec;
const rawBest = Math.max(miningRows[1]!.hashesPerSec, miningRows[2]!.hashesPerSec);
const sortedBcrypt = [...(bcrypt.ms as number[])].sort((a, b) => a - b);
const summary = {
  started: started.toISOString(),
  machine: { ...machine, loadAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
  backends: backends.kind,
  settings: {
    seconds: SECONDS,
    connections: CONNECTIONS,
    clients: clientMode,
    bcryptRounds: BCRYPT_ROUNDS,
    difficulty: settings.vars.BLOCKCHAIN_DIFFICULTY,
  },
  bundle: {
    bytes: api.bytes,
    gzipBytes: api.gzipBytes,
    modules: api.modules,
    startupBytes: api.startupBytes,
    top: api.top,
  },
  startupMs: { api: startup, floor: floorStartup },
  firstRequestsMs: firstRequests,
  seed: {
    scale: SCALE,
    counts: data.users.length,
    tables: data.counts,
    tip: data.tip,
    cached: backends.seedCached,
    seconds: data.seconds,
  },
  bcryptInWorkerdMs: {
    cost: BCRYPT_ROUNDS,
    median: sortedBcrypt[Math.floor(sortedBcrypt.length / 2)],
    samples: bcrypt.ms,
  },
  mining: { rows: miningRows, loopVsRawSha256: Math.round((loop / rawBest) * 100) / 100, mines: mining.mines },
  verify: { first: pickVerify(verifyFirst), after: pickVerify(verifyAfter), scale: verifyScale },
  postgresConnections: {
    baseline: pgBaseline,
    peak: pgPeak.n,
    afterRuns: pgAfterRuns,
    settled: pgSettled,
    leak: pgBaseline !== null && pgSettled !== null && pgSettled > pgBaseline,
  },
  relay: {
    openSocketsAtEnd: finalStats.openSockets,
    serverConnections: (finalStats as { serverConnections?: number }).serverConnections,
  },
  workerLogLines: workerLines,
  rows,
};

// ---- output ----
const stamp = started.toISOString().replace(/[:.]/g, "-");
const md = renderMarkdown(summary);
writeFileSync(join(OUT, `bench-${stamp}.json`), JSON.stringify(summary, null, 2));
writeFileSync(join(OUT, `bench-${stamp}.md`), md);
writeFileSync(join(OUT, "latest.json"), JSON.stringify(summary, null, 2));
writeFileSync(join(OUT, "latest.md"), md);
writeFileSync(join(OUT, `latest-x${SCALE}.json`), JSON.stringify(summary, null, 2)); // bench/scales.ts reads it
console.log(`\n${consoleTable(rows.filter((r) => r.group !== "floor"))}\n`);
console.log(`${floorTable(rows)}\n`);
console.log(extrasText(summary));
log(`results: bench-results/bench-${stamp}.{json,md} (and latest.*)`);

await runtime.dispose();
await backends.stop();

// ---------------------------------------------------------------------------------------------

function renderMarkdown(s: typeof summary): string {
  return [
    `# Benchmark ${s.started}`,
    "",
    `Machine: ${s.machine.nproc} × ${s.machine.cpuModel}, load ${s.machine.loadAtStart.join(" ")} at start, ${s.machine.loadAtEnd.join(" ")} at end; ` +
      `Node ${s.machine.node}, workerd ${s.machine.workerd} (Miniflare ${s.machine.miniflare}). Backends: PostgreSQL = ${s.backends.postgres}; Redis = ${s.backends.redis}. ` +
      `${s.settings.seconds} s per run, autocannon, ${s.settings.connections} connections unless stated; client addresses: ${s.settings.clients}.`,
    "",
    markdownTable(s.rows.filter((r) => r.group !== "floor")),
    "",
    floorTable(s.rows),
    "",
    "```",
    extrasText(s),
    "```",
  ].join("\n");
}

function extrasText(s: typeof summary): string {
  const m = s.mining;
  return [
    `bundle: ${kib(s.bundle.bytes)} KiB in ${s.bundle.modules} modules (${kib(s.bundle.gzipBytes)} KiB gzip), ${kib(s.bundle.startupBytes)} KiB read at start-up; largest there: ${s.bundle.top
      .slice(0, 6)
      .map((t) => `${t.name} ${kib(t.bytes)} KiB`)
      .join(", ")}`,
    `start-up (module evaluation in workerd, median of 3): ${s.startupMs.api.median.toFixed(1)} ms (floor Worker: ${s.startupMs.floor.median.toFixed(1)} ms)`,
    `a new isolate's first requests (median of 3): ${s.firstRequestsMs.map((r) => `${r.label} ${r.ms.toFixed(0)} ms`).join("; ")}`,
    `password check at bcrypt cost ${s.bcryptInWorkerdMs.cost} in workerd: ${Number(s.bcryptInWorkerdMs.median).toFixed(0)} ms (median of 5)`,
    `mining loop: ${m.rows.map((r) => `${r.name}: ${r.hashesPerSec.toLocaleString("en-US")} H/s`).join("; ")}`,
    `mining loop vs raw SHA-256 (best per-call WebCrypto): ${m.loopVsRawSha256}×`,
    `verify: ${s.verify.first.checked_blocks} blocks / ${s.verify.first.checked_transactions} txs in ${s.verify.first.duration_ms} ms (valid ${s.verify.first.valid}); after the writes ${s.verify.after.checked_blocks} blocks in ${s.verify.after.duration_ms} ms (valid ${s.verify.after.valid})`,
    ...(s.verify.scale ? verificationLines(s.verify.scale) : []),
    (s.postgresConnections.baseline === null
      ? "postgres connections: n/a (PGlite has one session)"
      : `postgres connections (bench database): baseline ${s.postgresConnections.baseline}, peak ${s.postgresConnections.peak}, after the runs ${s.postgresConnections.afterRuns}, settled ${s.postgresConnections.settled}${s.postgresConnections.leak ? " — LEAK" : ""}`) +
      `; relay WebSocket sessions open at the end: ${s.relay.openSocketsAtEnd}`,
  ].join("\n");
}

function pickVerify(v: Record<string, unknown>) {
  return {
    valid: v.valid,
    checked_blocks: v.checked_blocks,
    checked_transactions: v.checked_transactions,
    duration_ms: v.duration_ms,
    height: v.height,
  };
}

async function getJson(url: string): Promise<Record<string, any>> {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function postJson(url: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function upstash(command: string[]): Promise<unknown> {
  const res = await fetch(cloud.upstashUrl, {
    method: "POST",
    headers: { authorization: `Bearer ${cloud.upstashToken}` },
    body: JSON.stringify(command),
  });
  if (!res.ok) throw new Error(`Upstash ${command[0]} answered ${res.status}`);
  return res.json();
}

function packageVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return undefined;
  }
}

function kib(bytes: number) {
  return (bytes / 1024).toFixed(1);
}
