/**
 * RoadChain benchmark, end to end through the Worker (wrangler's local workerd, the real Durable
 * Object and the local cloud's Neon proxy):
 *
 *   1. append throughput: POST /api/blockchain/blocks sequentially, then from concurrent clients
 *      (every request mines in the Worker and appends through the Durable Object);
 *   2. GET /api/blockchain/verify on a chain of BENCH_BLOCKS (default 10,000) blocks, every 10th
 *      holding a signed transfer, seeded straight into Postgres (the Durable Object adopts the tail
 *      on first contact), so the number is the full re-verification: headers, links, proof of work,
 *      merkle roots, transaction hashes and Ed25519 signatures, paged 1,000 blocks per query.
 *
 * Run:  npx node bench/verify-10k.ts
 *       TEST_DATABASE_URL=postgres://blackroad_ci@127.0.0.1:5432/blackroad_ci REDIS_URL=redis://127.0.0.1:6379 npx node bench/verify-10k.ts
 * Env:  BENCH_DIFFICULTY (default 4, production's), BENCH_BLOCKS (10000), BENCH_APPENDS (30),
 *       BENCH_CONCURRENCY (10), BENCH_VERIFY_RUNS (3).
 * Uses ENVIRONMENT=test only so X-Test-Chain can put each phase on its own fresh chain.
 */
import { randomBytes } from "node:crypto";
import { unstable_dev } from "wrangler";
import { spawnLocalCloud } from "../scripts/local-cloud/spawn.ts";
import { seedChain } from "./verify-seed.ts";

const DIFFICULTY = Number(process.env.BENCH_DIFFICULTY ?? 4);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 10_000);
const APPENDS = Number(process.env.BENCH_APPENDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const VERIFY_RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? 3);
const MASTER_KEY = randomBytes(32).toString("base64url");
const cloud = await spawnLocalCloud();
console.log(`postgres: ${cloud.backends.postgres}; redis: ${cloud.backends.redis}; difficulty ${DIFFICULTY}`);
const worker = await unstable_dev("dist/worker/index.mjs", {
  config: "wrangler.toml",
  ip: "127.0.0.1",
  logLevel: "warn",
  experimental: { disableExperimentalWarning: true },
  vars: {
    ENVIRONMENT: "test",
    DATABASE_URL: cloud.databaseUrl,
    NEON_PROXY_URL: cloud.neonProxyUrl,
    UPSTASH_REDIS_REST_URL: cloud.upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: cloud.upstashToken,
    SECRET_KEY: randomBytes(32).toString("base64url"),
    WALLET_MASTER_KEY: MASTER_KEY,
    BCRYPT_ROUNDS: "4",
    BLOCKCHAIN_DIFFICULTY: String(DIFFICULTY),
  },
});

async function call(path: string, init: { method?: string; headers?: Record<string, string>; json?: unknown } = {}) {
  const headers = { ...init.headers, ...(init.json !== undefined ? { "Content-Type": "application/json" } : {}) };
  const res = await worker.fetch(path, {
    method: init.method ?? "GET",
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const chainHeader = (name: string) => ({ "X-Test-Chain": `t_bench_${name}_${Date.now().toString(36)}` });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const username = `bench${randomBytes(4).toString("hex")}`;
  await call("/api/auth/register", {
    method: "POST",
    json: { username, email: `${username}@example.com`, password: "bench-password-12345" },
  });
  const login = await call("/api/auth/login", { method: "POST", json: { username, password: "bench-password-12345" } });
  const auth = { Authorization: `Bearer ${login.access_token}` };

  // ---- 1. append throughput ----
  const seq = chainHeader("seq");
  await call("/api/blockchain/blocks", { method: "POST", headers: { ...auth, ...seq } }); // genesis + warm-up
  const latencies: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < APPENDS; i++) {
    const s = performance.now();
    await call("/api/blockchain/blocks", { method: "POST", headers: { ...auth, ...seq } });
    latencies.push(performance.now() - s);
  }
  const seqSeconds = (performance.now() - t0) / 1000;
  console.log(
    `sequential appends: ${APPENDS} in ${seqSeconds.toFixed(2)} s = ${(APPENDS / seqSeconds).toFixed(1)} blocks/s ` +
      `(median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms per POST /blocks)`,
  );

  const par = chainHeader("par");
  await call("/api/blockchain/blocks", { method: "POST", headers: { ...auth, ...par } });
  const perClient = Math.ceil(APPENDS / CONCURRENCY);
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < perClient; i++)
        await call("/api/blockchain/blocks", { method: "POST", headers: { ...auth, ...par } });
    }),
  );
  const parSeconds = (performance.now() - t0) / 1000;
  const total = perClient * CONCURRENCY;
  const parVerify = await call("/api/blockchain/verify", { headers: par });
  console.log(
    `concurrent appends: ${total} from ${CONCURRENCY} clients in ${parSeconds.toFixed(2)} s = ${(total / parSeconds).toFixed(1)} blocks/s; ` +
      `verify valid=${parVerify.valid} height=${parVerify.height}`,
  );

  // ---- 2. verify BLOCKS blocks ----
  const big = chainHeader("verify");
  const chain = big["X-Test-Chain"];
  const seedStart = performance.now();
  const txCount = await seedChain(cloud.databaseUrl, chain, BLOCKS);
  console.log(
    `seeded ${BLOCKS} blocks with ${txCount} signed transfers in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  const runs: { wall: number; server: number }[] = [];
  for (let i = 0; i < VERIFY_RUNS; i++) {
    const s = performance.now();
    const report = await call("/api/blockchain/verify", { headers: big });
    const wall = performance.now() - s;
    if (!report.valid || report.checked_blocks !== BLOCKS + 1)
      throw new Error(`unexpected verify report: ${JSON.stringify(report).slice(0, 500)}`);
    runs.push({ wall, server: report.duration_ms });
  }
  console.log(
    `verify ${BLOCKS + 1} blocks (+${txCount} transactions): wall ${runs.map((r) => r.wall.toFixed(0)).join("/")} ms, ` +
      `server ${runs.map((r) => r.server).join("/")} ms (median ${median(runs.map((r) => r.wall)).toFixed(0)} ms)`,
  );
} finally {
  await worker.stop();
  await cloud.stop();
}
