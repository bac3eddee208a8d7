/**
 * `node bench/first-requests.ts [bundle.js]`: what a new isolate pays before and during its first
 * requests. Route modules load on the first request for their paths (src/routes/route-families.ts),
 * so start-up alone (the bench's start-up row) does not show it: this imports the bundle in a fresh
 * workerd (runtime.ts startupProbe), then times the first request to each of PATHS in order and the
 * first path once more (warm). The bindings are a valid configuration whose Postgres and Redis refuse
 * connections (PROBE_BINDINGS): each request goes through the app, the database driver and its
 * route's middleware as a real one does, then answers as it would with its backends down (401 with
 * no token, 503 where it needs Postgres or Redis) after at most a refused loopback connection, so
 * what is measured is what loads and runs, not a network. Each step's label carries its status. SAMPLES runtimes (default 7);
 * prints medians.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildApi } from "./build.ts";
import type { WranglerSettings } from "./runtime.ts";
import { readWranglerSettings, startupProbe } from "./runtime.ts";

export const FIRST_REQUEST_PATHS = [
  "/api/auth/me",
  "/api/social/feed",
  "/api/blockchain/transactions",
  "/api/openapi.json",
];

/** A configuration that passes config.ts, with every dependency on a closed loopback port. */
const PROBE_BINDINGS = {
  ENVIRONMENT: "production",
  DATABASE_URL: "postgres://probe:probe@127.0.0.1:9/probe",
  NEON_PROXY_URL: "http://127.0.0.1:9",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
  UPSTASH_REDIS_REST_TOKEN: "probe",
  SECRET_KEY: "probe-secret-key-0123456789abcdef0123456789abcdef",
  WALLET_MASTER_KEY: "probe-wallet-master-key-0123456789abcdef01234567",
};

/** Median ms per step: "import (start-up)", "first <path>" for each path in order, "again <path> (warm)". */
export async function measureFirstRequests(
  script: string,
  settings: WranglerSettings,
  paths: readonly string[] = FIRST_REQUEST_PATHS,
  samples = 7,
): Promise<Array<{ label: string; ms: number }>> {
  const rows = new Map<string, number[]>();
  const add = (label: string, ms: number) => rows.set(label, [...(rows.get(label) ?? []), ms]);
  for (let i = 0; i < samples; i++) {
    const mf = startupProbe(script, settings, { bindings: PROBE_BINDINGS });
    try {
      const url = new URL(await mf.unsafeGetDirectURL());
      url.searchParams.set("paths", paths.join(","));
      const res = await fetch(url);
      if (!res.ok) throw new Error(`probe answered ${res.status}: ${await res.text()}`);
      const { ms, requests } = (await res.json()) as {
        ms: number;
        requests: { path: string; ms: number; status: number }[];
      };
      add("import (start-up)", ms);
      requests.forEach((r, j) =>
        add(j < paths.length ? `first ${r.path} (${r.status})` : `again ${r.path} (warm, ${r.status})`, r.ms),
      );
    } finally {
      await mf.dispose();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return [...rows].map(([label, xs]) => ({ label, ms: median(xs) }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = join(import.meta.dirname, "results", ".build-first-requests");
  let script = process.argv[2];
  if (!script) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    script = (await buildApi(dir)).path;
  }
  const paths = process.env.PATHS?.split(",") ?? FIRST_REQUEST_PATHS;
  const rows = await measureFirstRequests(script, readWranglerSettings(), paths, Number(process.env.SAMPLES ?? 7));
  for (const { label, ms } of rows) console.log(`${ms.toFixed(1).padStart(8)} ms  ${label}`);
  if (!process.argv[2]) rmSync(dir, { recursive: true, force: true });
}
