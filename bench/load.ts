/**
 * One bounded load run with autocannon (fixed duration and connections, loopback only), plus what
 * autocannon does not measure: exact float latencies, database/Redis round trips per request
 * (the local cloud's counters), and CPU time per request of each process involved (/proc).
 *
 * Every request may be built afresh (`next`): the rate limiter keys on CF-Connecting-IP, so each
 * request carries its own address from 10.0.0.0/8 (as many distinct clients would), unless the
 * spec asks for none; authenticated specs rotate through the bench users' tokens.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export type RequestParts = { path: string; method?: string; headers?: Record<string, string>; body?: string };

export type LoadSpec = {
  name: string;
  /** Base URL of the Worker (API or floor). */
  url: string;
  /** Builds request i. */
  next: (i: number) => RequestParts;
  /** Statuses that count as success; anything else is an error. Default [200]. */
  expect?: number[];
  connections: number;
  seconds: number;
  /** Stop after this many requests instead (warm-ups: every request completes before the next run). */
  amount?: number;
  /**
   * Send a CF-Connecting-IP per request (default true: from the pool, or a new one per request under
   * BENCH_CLIENTS=unique); "unique": a never-seen address per request, whatever BENCH_CLIENTS says.
   */
  clientIps?: boolean | "unique";
};

export type ProcessGroup = { name: string; pids: () => Promise<number[]> | number[] };

export type CloudStats = {
  httpQueries: number;
  openSockets: number;
  redisCommands: number;
  serverConnections?: number;
};

export type LoadResult = {
  name: string;
  connections: number;
  seconds: number;
  /** Stop after this many requests instead (warm-ups: every request completes before the next run). */
  amount?: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  statuses: Record<string, number>;
  /** Per successful request, background work (waitUntil) included. */
  sqlPerReq: number;
  redisPerReq: number;
  /** Live WebSocket sessions to the Neon relay after the run (should be 0). */
  openSocketsAfter: number;
  /** CPU milliseconds per request, by process group. */
  cpuMsPerReq: Record<string, number>;
};

let ipCounter = 0;
/**
 * Client addresses cycle through a pool (BENCH_CLIENTS, default 1,024), as real traffic comes from
 * clients that make more than one request. Each stays far below the generous per-route limit
 * (300/min) over a run; the first request of each client in a window pays the limiter's Redis
 * round trip, later ones are decided in the isolate (see src/middleware/rate-limit.ts).
 *
 * BENCH_CLIENTS=unique: every request comes from a fresh random address, as an isolate at the edge
 * sees a stream of clients it has never met: public IPv4, and one request in eight from a random
 * IPv6 /64 (2001:db8::/32 upwards, a random interface id), so every request is a new limiter key.
 */
const UNIQUE_CLIENTS = process.env.BENCH_CLIENTS === "unique";
const CLIENTS = UNIQUE_CLIENTS ? 0 : Number(process.env.BENCH_CLIENTS ?? 1024);
export const clientMode = UNIQUE_CLIENTS ? "unique" : `pool of ${CLIENTS}`;
export function nextClientIp(unique = UNIQUE_CLIENTS): string {
  if (unique) return randomClientIp(ipCounter++);
  const n = 1 + (ipCounter++ % CLIENTS);
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const randomInt = (below: number) => Math.floor(Math.random() * below);
const hex16 = () => randomInt(0x10000).toString(16);
/** A random public-looking address: IPv4 in 1.0.0.0–223.255.255.255 minus 10/8 and 127/8, or IPv6 (every 8th). */
function randomClientIp(i: number): string {
  if (i % 8 === 7) return `2001:${hex16()}:${hex16()}:${hex16()}:${hex16()}:${hex16()}:${hex16()}:${hex16()}`;
  let first: number;
  do first = 1 + randomInt(223);
  while (first === 10 || first === 127);
  return `${first}.${randomInt(256)}.${randomInt(256)}.${1 + randomInt(254)}`;
}

export type LoadContext = { stats: () => Promise<CloudStats>; groups: ProcessGroup[] };

export async function runLoad(spec: LoadSpec, ctx: LoadContext): Promise<LoadResult> {
  const expect = new Set(spec.expect ?? [200]);
  const clientIps = spec.clientIps ?? true;
  let i = 0;
  const build = () => {
    const parts = spec.next(i++);
    const headers: Record<string, string> = { ...(parts.headers ?? {}) };
    if (clientIps) headers["cf-connecting-ip"] = nextClientIp(clientIps === "unique" || UNIQUE_CLIENTS);
    if (parts.body !== undefined) headers["content-type"] ??= "application/json";
    return { method: parts.method ?? "GET", path: parts.path, headers, body: parts.body };
  };

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const before = await snapshot(ctx);
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.seconds }),
    timeout: 60,
    requests: [{ setupRequest: (req: Record<string, unknown>) => Object.assign(req, build()) }],
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (expect.has(statusCode)) latencies.push(responseTime);
  });
  const result = (await instance) as unknown as { duration: number; errors: number; timeouts: number };
  // Background work (waitUntil: audit rows, pool shutdown, limiter sync) finishes after responses.
  await new Promise((r) => setTimeout(r, 500));
  const after = await snapshot(ctx);

  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : NaN;
  const ok = latencies.length;
  const failed = Object.entries(statuses).reduce((n, [code, count]) => (expect.has(Number(code)) ? n : n + count), 0);
  const per = (x: number) => (ok ? Math.round((x / ok) * 100) / 100 : NaN);
  const cpuMsPerReq: Record<string, number> = {};
  for (const [name, pids] of Object.entries(after.cpu)) {
    // Per process: one that started during the run counts from zero; one that ended is lost.
    let ms = 0;
    for (const [pid, t] of pids) ms += t - (before.cpu[name]?.get(pid) ?? 0);
    cpuMsPerReq[name] = per(ms);
  }
  return {
    name: spec.name,
    connections: spec.connections,
    seconds: result.duration,
    requests: ok,
    rps: Math.round((ok / result.duration) * 10) / 10,
    p50: round2(pct(50)),
    p90: round2(pct(90)),
    p99: round2(pct(99)),
    max: round2(latencies[latencies.length - 1] ?? NaN),
    errors: failed + result.errors,
    statuses,
    sqlPerReq: per(after.stats.httpQueries - before.stats.httpQueries),
    redisPerReq: per(after.stats.redisCommands - before.stats.redisCommands),
    openSocketsAfter: after.stats.openSockets,
    cpuMsPerReq,
  };
}

async function snapshot(ctx: LoadContext) {
  const cpu: Record<string, Map<number, number>> = {};
  for (const g of ctx.groups) cpu[g.name] = new Map((await g.pids()).map((pid) => [pid, processCpuMs(pid)]));
  // This process: the load generator (autocannon) and the harness.
  cpu.harness = new Map([[process.pid, (({ user, system }) => (user + system) / 1000)(process.cpuUsage())]]);
  return { stats: await ctx.stats(), cpu };
}

/** utime + stime of a process in ms (Linux /proc; 0 when it is gone). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

const round2 = (x: number) => Math.round(x * 100) / 100;
