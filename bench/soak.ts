/**
 * `npm run soak`: a bounded soak of the Worker on workerd against real PostgreSQL and redis-server
 * (through the local cloud's Neon proxy and Upstash server), with a realistic mix at a steady rate:
 * reads, logins, transfers, mail, posts and mining. It reports, per time window, requests, 5xx,
 * p50/p99, Postgres' connections and the memory (RSS) of workerd, the local cloud and redis-server,
 * so growth and a plateau can be told apart; and at the end whether /verify is valid and the sum of all balances equals the coins
 * created (100 per registered wallet plus the rewards of mined blocks). Exit code 1 on any 5xx, an
 * invalid chain or a sum that does not add up.
 *
 * Environment: SOAK_MINUTES (default 10), SOAK_RATE (requests per second, default 20), SOAK_USERS
 * (default 20), SOAK_WINDOW_SECONDS (default 30), SOAK_DATABASE_URL (a PostgreSQL whose role may
 * create databases; default a throwaway server started here), SOAK_HEAP=1 (attach to workerd's
 * inspector: per window the isolate's V8 heap, used and committed, and used after a forced full GC;
 * SOAK_HEAP_SNAPSHOTS=1 adds heap snapshots before the load and at the end and what grew between them;
 * a snapshot costs workerd ~250 MiB of RSS and a pause of seconds, so RSS means nothing then),
 * SOAK_OPS (a comma-separated subset of the mix) and SOAK_PHASES=1 (each window runs one operation
 * of the mix alone, in turn): to find which part of the mix grows memory. Cheap settings where they only cost
 * CPU (bcrypt cost 4, proof of work difficulty 1–2) so the rate measures the system, not hashing.
 * Writes bench-results/soak-latest.{json,md}. Loopback only.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDatabaseIfMissing } from "../scripts/local-cloud/postgres.ts";
import { spawnLocalCloud } from "../scripts/local-cloud/spawn.ts";
import { startThrowawayPostgres } from "../scripts/local-cloud/throwaway-postgres.ts";
import { buildApi, buildFloor } from "./build.ts";
import { attachHeapInspector, type HeapUsage, snapshotGrowth, summarizeSnapshot } from "./heap.ts";
import { childPid, readWranglerSettings, startRuntime } from "./runtime.ts";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "bench-results");
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RATE = Number(process.env.SOAK_RATE ?? 20);
const USERS = Number(process.env.SOAK_USERS ?? 20);
const WINDOW_S = Number(process.env.SOAK_WINDOW_SECONDS ?? 30);
const SNAPSHOTS = process.env.SOAK_HEAP_SNAPSHOTS === "1";
const HEAP = process.env.SOAK_HEAP === "1" || SNAPSHOTS;
const ONLY = process.env.SOAK_OPS?.split(",");
const PHASES = process.env.SOAK_PHASES === "1";
const MAX_IN_FLIGHT = 200;
const log = (msg: string) => console.log(`[soak] ${msg}`);

// ---- backends: real PostgreSQL and redis-server behind the local cloud ----
const throwaway = process.env.SOAK_DATABASE_URL ? undefined : await startThrowawayPostgres();
const adminUrl = process.env.SOAK_DATABASE_URL || throwaway!.url;
const databaseUrl = await createDatabaseIfMissing(adminUrl, `blackroad_soak_${process.pid}`);
const cloud = await spawnLocalCloud({ ...process.env, TEST_DATABASE_URL: databaseUrl, REDIS_URL: "" });
log(`backends: postgres ${cloud.backends.postgres}; redis ${cloud.backends.redis}`);
if (!/redis-server/.test(cloud.backends.redis)) log("warning: no redis-server on PATH, the embedded engine is used");
const cloudPid = childPid("serve.ts");
const redisPid = cloudPid ? childPid("redis-server", cloudPid) : undefined;
const direct = new pg.Client({ connectionString: databaseUrl });
await direct.connect();

// ---- the Worker as deployed, on workerd ----
const buildDir = join(OUT, ".soak-build");
rmSync(buildDir, { recursive: true, force: true });
mkdirSync(buildDir, { recursive: true });
const api = await buildApi(buildDir);
const persistDir = join(OUT, ".soak-state");
rmSync(persistDir, { recursive: true, force: true });
const data = {
  DATABASE_URL: cloud.databaseUrl,
  NEON_PROXY_URL: cloud.neonProxyUrl,
  UPSTASH_REDIS_REST_URL: cloud.upstashUrl,
  UPSTASH_REDIS_REST_TOKEN: cloud.upstashToken,
};
let workerErrors = 0;
const runtime = await startRuntime({
  apiScript: api.path,
  floorScript: await buildFloor(buildDir),
  settings: readWranglerSettings(),
  persistDir,
  apiBindings: {
    ENVIRONMENT: "development", // no CF-Connecting-IP: the per-address limiter is skipped, per-user limits are not
    SECRET_KEY: "soak-secret-key-0123456789abcdef0123456789abcdef",
    WALLET_MASTER_KEY: "soak-wallet-master-key-0123456789abcdef0123456789",
    BCRYPT_ROUNDS: "4",
    BLOCKCHAIN_DIFFICULTY: "1",
    BLOCKCHAIN_MAX_DIFFICULTY: "2",
    ...data,
  },
  floorBindings: data,
  onLog: (line) => void (/"level":"error"/.test(line) && workerErrors++),
  inspector: HEAP,
});
const base = runtime.apiUrl;
const heap = HEAP
  ? await attachHeapInspector(await runtime.inspectorUrl(), "api", () => fetch(`${base}/health`).then((r) => r.text()))
  : undefined;
/** The API isolate's heap as it is, then after a forced full GC (what is really retained). */
async function heapNow(): Promise<{ heap: HeapUsage; heap_after_gc: HeapUsage } | undefined> {
  if (!heap) return undefined;
  const before = await heap.usage();
  await heap.collectGarbage();
  return { heap: before, heap_after_gc: await heap.usage() };
}

type Answer = { status: number; ms: number; json: unknown };
async function call(path: string, init: { method?: string; token?: string; json?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  try {
    const res = await fetch(base + path, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, ms: performance.now() - started, json };
  } catch {
    return { status: 599, ms: performance.now() - started, json: null }; // no answer at all: counted as a 5xx
  }
}

// ---- users ----
type User = { name: string; token: string; address: string };
const password = "soak-password-0123456789";
const users: User[] = [];
for (let i = 0; i < USERS; i++) {
  const name = `soak${process.pid}u${i}`;
  const reg = await call("/api/auth/register", {
    method: "POST",
    json: { username: name, email: `${name}@example.com`, password },
  });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}: ${JSON.stringify(reg.json)}`);
  const login = await call("/api/auth/login", { method: "POST", json: { username: name, password } });
  const token = (login.json as { access_token: string }).access_token;
  const wallet = await call("/api/blockchain/wallet", { token });
  users.push({ name, token, address: (wallet.json as { address: string }).address });
}
log(`${USERS} users registered`);

// ---- the mix ----
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const other = (u: User) => pick(users.filter((x) => x !== u));
const OPS: Array<[string, number, (u: User) => Promise<Answer>]> = [
  ["stats", 30, () => call("/api/blockchain/stats")],
  ["me", 15, (u) => call("/api/auth/me", { token: u.token })],
  ["wallet", 10, (u) => call("/api/blockchain/wallet", { token: u.token })],
  ["blocks", 5, () => call("/api/blockchain/blocks?limit=10")],
  ["inbox", 5, (u) => call("/api/email/inbox", { token: u.token })],
  ["feed", 5, (u) => call("/api/social/feed", { token: u.token })],
  [
    "login",
    3,
    async (u) => {
      const a = await call("/api/auth/login", { method: "POST", json: { username: u.name, password } });
      if (a.status === 200) u.token = (a.json as { access_token: string }).access_token;
      return a;
    },
  ],
  [
    "transfer",
    12,
    (u) =>
      call("/api/blockchain/transactions", {
        method: "POST",
        token: u.token,
        json: { to_address: other(u).address, amount: "0.01" },
      }),
  ],
  [
    "mail",
    7,
    (u) =>
      call("/api/email/send", {
        method: "POST",
        token: u.token,
        json: { to: `${other(u).name}@example.com`, subject: "soak", body: "a steady stream of mail" },
      }),
  ],
  ["post", 5, (u) => call("/api/social/posts", { method: "POST", token: u.token, json: { content: "soak post" } })],
  ["mine", 3, (u) => call("/api/blockchain/blocks", { method: "POST", token: u.token })],
];
if (ONLY) OPS.splice(0, OPS.length, ...OPS.filter(([name]) => ONLY.includes(name)));
if (!OPS.length) throw new Error(`SOAK_OPS names none of the mix's operations`);
const totalWeight = OPS.reduce((s, [, w]) => s + w, 0);
function chooseOp() {
  if (PHASES) return OPS[windows.length % OPS.length]!;
  let r = Math.random() * totalWeight;
  for (const op of OPS) if ((r -= op[1]) < 0) return op;
  return OPS[0]!;
}

// ---- measurements ----
/** A /proc/<pid>/status field in KiB: VmRSS, or RssAnon (its anonymous part: heaps, not mapped files). */
const rssKiB = (pid: number | undefined, field = "VmRSS") => {
  if (!pid) return null;
  try {
    return Number(
      new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN,
    );
  } catch {
    return null;
  }
};
const memory = () => ({
  workerd_mib: mib(rssKiB(runtime.pid)),
  workerd_anon_mib: mib(rssKiB(runtime.pid, "RssAnon")),
  cloud_mib: mib(rssKiB(cloudPid)),
  redis_mib: mib(rssKiB(redisPid)),
});
const mib = (kib: number | null) => (kib === null ? null : Math.round(kib / 102.4) / 10);
const pgConnections = async () =>
  Number(
    (
      await direct.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'",
      )
    ).rows[0].n,
  );
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
};

type Window = {
  t_s: number;
  ops: string;
  requests: number;
  s5xx: number;
  s4xx: number;
  p50_ms: number | null;
  p99_ms: number | null;
  pg_connections: number;
  workerd_mib: number | null;
  workerd_anon_mib: number | null;
  cloud_mib: number | null;
  redis_mib: number | null;
  heap?: HeapUsage;
  heap_after_gc?: HeapUsage;
  load_1m: number;
};
const windows: Window[] = [];
const statuses = new Map<string, number>();
let current: { ms: number[]; s5xx: number; s4xx: number } = { ms: [], s5xx: 0, s4xx: 0 };
let inFlight = 0;
let shed = 0;
const startLoad = loadavg().map((l) => Math.round(l * 100) / 100);
const start = { memory: memory(), pg_connections: await pgConnections(), ...(await heapNow()) };
if (heap && SNAPSHOTS) await heap.snapshot(join(OUT, "soak-heap-start.heapsnapshot"));
log(`start: memory ${JSON.stringify(start.memory)}, postgres connections ${start.pg_connections}`);
log(`running ${MINUTES} min at ${RATE} req/s…`);

const startedAt = Date.now();
const endAt = startedAt + MINUTES * 60_000;
const pending = new Set<Promise<void>>();
const ticker = setInterval(() => {
  if (Date.now() >= endAt) return;
  if (inFlight >= MAX_IN_FLIGHT) return void shed++;
  const [name, , run] = chooseOp();
  inFlight++;
  const p = run(pick(users)).then((a) => {
    inFlight--;
    current.ms.push(a.ms);
    if (a.status >= 500) current.s5xx++;
    else if (a.status >= 400) current.s4xx++;
    const key = `${name} ${a.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  });
  pending.add(p);
  void p.finally(() => pending.delete(p));
}, 1000 / RATE);

while (Date.now() < endAt) {
  await new Promise((r) => setTimeout(r, Math.min(WINDOW_S * 1000, endAt - Date.now())));
  const w = current;
  current = { ms: [], s5xx: 0, s4xx: 0 };
  const row: Window = {
    t_s: Math.round((Date.now() - startedAt) / 1000),
    ops: PHASES ? OPS[windows.length % OPS.length]![0] : "mix",
    requests: w.ms.length,
    s5xx: w.s5xx,
    s4xx: w.s4xx,
    p50_ms: quantile(w.ms, 0.5),
    p99_ms: quantile(w.ms, 0.99),
    pg_connections: await pgConnections(),
    ...memory(),
    ...(await heapNow()),
    load_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
  windows.push(row);
  log(JSON.stringify(row));
}
clearInterval(ticker);
await Promise.all(pending);
if (current.ms.length) windows.at(-1)!.requests += current.ms.length;

// ---- the end: memory, connections, the chain and the money ----
await new Promise((r) => setTimeout(r, 11_000)); // the proxies' idle connections close after 10 s
const end = { memory: memory(), pg_connections: await pgConnections(), ...(await heapNow()) };
let heapGrowth: ReturnType<typeof snapshotGrowth> | undefined;
if (heap && SNAPSHOTS) {
  const last = join(OUT, "soak-heap-end.heapsnapshot");
  await heap.snapshot(last);
  heap.close();
  heapGrowth = snapshotGrowth(summarizeSnapshot(join(OUT, "soak-heap-start.heapsnapshot")), summarizeSnapshot(last));
}
const verify = await call("/api/blockchain/verify");
const money = (
  await direct.query(`select
      (select coalesce(sum(balance), 0) from wallets)::text as balances,
      ((select count(*) from wallets where is_primary) * 100
        + (select coalesce(sum(reward), 0) from blocks where miner_address is not null))::text as created`)
).rows[0] as { balances: string; created: string };
const total5xx = windows.reduce((s, w) => s + w.s5xx, 0);
const report = {
  when: new Date(startedAt).toISOString(),
  minutes: MINUTES,
  rate: RATE,
  users: USERS,
  backends: cloud.backends,
  requests: windows.reduce((s, w) => s + w.requests, 0),
  s5xx: total5xx,
  shed,
  worker_error_logs: workerErrors,
  windows,
  start,
  end,
  verify: { status: verify.status, valid: (verify.json as { valid?: boolean })?.valid },
  money: { ...money, equal: Number(money.balances) === Number(money.created) },
  heap_growth: heapGrowth,
  load: { start: startLoad, end: loadavg().map((l) => Math.round(l * 100) / 100) },
  statuses: Object.fromEntries([...statuses].sort()),
};
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "soak-latest.json"), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(OUT, "soak-latest.md"), markdown(report));
console.log(markdown(report));

await runtime.dispose();
await direct.end();
await cloud.stop();
await throwaway?.close();
const ok = total5xx === 0 && report.verify.valid === true && report.money.equal;
log(ok ? "ok" : "FAILED: 5xx, an invalid chain or balances that do not add up");
process.exit(ok ? 0 : 1);

function markdown(r: typeof report): string {
  const heapCells = (w: Window) =>
    w.heap
      ? ` ${w.heap.usedMiB} / ${w.heap.totalMiB} | ${w.heap_after_gc?.usedMiB} / ${w.heap_after_gc?.totalMiB} |`
      : "";
  const rows = r.windows.map(
    (w) =>
      `| ${w.t_s}${PHASES ? ` (${w.ops})` : ""} | ${w.requests} | ${w.s5xx} | ${w.s4xx} | ${w.p50_ms} | ${w.p99_ms} | ${w.pg_connections} | ${w.workerd_mib} | ${w.cloud_mib} | ${w.redis_mib} |${heapCells(w)} ${w.load_1m} |`,
  );
  const heapHead = HEAP ? " V8 heap used / committed MiB | after forced GC |" : "";
  const growth = r.heap_growth
    ? [
        `- heap snapshots (after forced GC), start → end: ${r.heap_growth.beforeMiB} → ${r.heap_growth.afterMiB} MiB; grew most:`,
        ...r.heap_growth.grew.map((g) => `  - ${g.group}: ${g.count >= 0 ? "+" : ""}${g.count} objects, ${g.kib} KiB`),
      ]
    : [];
  return [
    `Soak ${r.when}: ${r.minutes} min at ${r.rate} req/s, ${r.users} users; ${r.backends.postgres}; ${r.backends.redis}`,
    "",
    `| t (s) | requests | 5xx | 4xx | p50 ms | p99 ms | PG connections | workerd MiB | local cloud MiB | redis MiB |${heapHead} load (1 min) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |${HEAP ? " --- | --- |" : ""} --- |`,
    ...rows,
    "",
    `- requests ${r.requests}, 5xx ${r.s5xx}, shed by the generator ${r.shed}, Worker error log lines ${r.worker_error_logs}`,
    `- memory (MiB RSS) start ${JSON.stringify(r.start.memory)}, end ${JSON.stringify(r.end.memory)} (after 11 s idle)`,
    ...(r.start.heap
      ? [
          `- V8 heap of the API isolate after forced GC: start ${r.start.heap_after_gc?.usedMiB} MiB, end ${r.end.heap_after_gc?.usedMiB} MiB`,
        ]
      : []),
    ...growth,
    `- load average (1, 5, 15 min) at the start ${r.load.start.join(", ")}, at the end ${r.load.end.join(", ")}`,
    `- Postgres connections start ${r.start.pg_connections}, end ${r.end.pg_connections} (after 11 s idle)`,
    `- /verify: HTTP ${r.verify.status}, valid ${r.verify.valid}`,
    `- sum of balances ${r.money.balances}, coins created ${r.money.created}: ${r.money.equal ? "equal" : "DIFFERENT"}`,
    "",
  ].join("\n");
}
