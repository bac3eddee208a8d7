/**
 * Serves the built Worker on workerd through Miniflare's API (not `wrangler dev`, whose proxy caps
 * throughput near 300 req/s here): the API bundle with wrangler.toml's compatibility settings,
 * Durable Objects and vars, plus the floor Worker, each on its own direct socket (no Miniflare
 * entry Worker in front, so requests reach the Worker as they would on the edge and
 * CF-Connecting-IP arrives untouched).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { workerModules } from "../scripts/build-worker.ts";

const ROOT = join(import.meta.dirname, "..");

export type WranglerSettings = {
  compatibilityDate: string;
  compatibilityFlags: string[];
  durableObjects: Record<string, { className: string; useSQLite: boolean }>;
  vars: Record<string, string>;
};

export function readWranglerSettings(): WranglerSettings {
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  const sqlite = new Set(
    config.migrations.flatMap((m: { new_sqlite_classes?: string[] }) => m.new_sqlite_classes ?? []),
  );
  const durableObjects: WranglerSettings["durableObjects"] = {};
  for (const b of config.durable_objects.bindings) {
    durableObjects[b.name] = { className: b.class_name, useSQLite: sqlite.has(b.class_name) };
  }
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.vars)) vars[k] = typeof v === "string" ? v : JSON.stringify(v);
  return {
    compatibilityDate: config.compatibility_date ?? "2026-01-01",
    compatibilityFlags: config.compatibility_flags ?? [],
    durableObjects,
    vars,
  };
}

export type Runtime = {
  apiUrl: string;
  floorUrl: string;
  /** workerd's process id (CPU accounting). */
  pid: number | undefined;
  /** workerd's DevTools inspector (only with `inspector: true`). */
  inspectorUrl(): Promise<string>;
  /** Restarts workerd with other API bindings (Durable Object storage is persisted across). */
  setApiBindings(bindings: Record<string, string>): Promise<void>;
  dispose(): Promise<void>;
};

export type RuntimeOptions = {
  apiScript: string;
  floorScript: string;
  settings: WranglerSettings;
  apiBindings: Record<string, string>;
  floorBindings: Record<string, string>;
  /** Durable Object storage lives here, so a restart keeps the RoadChain head. */
  persistDir: string;
  /** Every line the Worker logs (console.*) is passed here; the default drops them. */
  onLog?: (line: string) => void;
  /** Open workerd's inspector (CPU profiles, bench/profile.ts). */
  inspector?: boolean;
};

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  mkdirSync(opts.persistDir, { recursive: true });
  const options = (apiBindings: Record<string, string>) =>
    convertV4MiniflareOptions({
      resourcePersistencePath: opts.persistDir,
      ...(opts.inspector ? { inspectorPort: 0 } : {}),
      // Workers log one JSON line per request: read and dropped here (counted in workerd's CPU).
      handleStructuredLogs: (log: { message?: string }) => opts.onLog?.(String(log.message ?? "")),
      workers: [
        {
          name: "api",
          modules: workerModules(opts.apiScript),
          modulesRoot: dirname(opts.apiScript),
          compatibilityDate: opts.settings.compatibilityDate,
          compatibilityFlags: opts.settings.compatibilityFlags,
          bindings: { ...opts.settings.vars, ...apiBindings },
          durableObjects: opts.settings.durableObjects,
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
        {
          name: "floor",
          modules: true,
          scriptPath: opts.floorScript,
          modulesRoot: dirname(opts.floorScript),
          compatibilityDate: opts.settings.compatibilityDate,
          compatibilityFlags: opts.settings.compatibilityFlags,
          bindings: opts.floorBindings,
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]);

  const mf = new Miniflare(options(opts.apiBindings));
  const runtime: Runtime = {
    apiUrl: "",
    floorUrl: "",
    pid: undefined,
    inspectorUrl: async () => (await mf.getInspectorURL()).href,
    async setApiBindings(bindings) {
      await mf.setOptions(options({ ...opts.apiBindings, ...bindings }));
      await locate();
    },
    dispose: () => mf.dispose(),
  };
  async function locate() {
    runtime.apiUrl = (await mf.unsafeGetDirectURL("api")).href.replace(/\/$/, "");
    runtime.floorUrl = (await mf.unsafeGetDirectURL("floor")).href.replace(/\/$/, "");
    runtime.pid = childPid("workerd");
  }
  await locate();
  return runtime;
}

/**
 * A workerd whose first request imports `script` dynamically and answers how long the import took
 * (parse, compile and top-level evaluation of every module). The clock of a local workerd moves
 * during computation, so performance.now() measures it. `inspect` opens the inspector (profiling).
 */
export function startupProbe(
  script: string,
  settings: WranglerSettings,
  opts: { inspect?: boolean; bindings?: Record<string, string> } = {},
): Miniflare {
  // With \`?paths=/a,/b\`, also times the Worker's first request to each path, in order, then the
  // first path again (warm): what a new isolate's first requests pay on top of the import.
  const wrapper = `export default { async fetch(request, env, ctx) {
    const t0 = performance.now();
    const worker = (await import("./${basename(script)}")).default;
    const ms = performance.now() - t0;
    const paths = new URL(request.url).searchParams.get("paths")?.split(",").filter(Boolean) ?? [];
    const requests = [];
    for (const path of [...paths, ...paths.slice(0, 1)]) {
      const t = performance.now();
      const res = await worker.fetch(new Request("http://probe" + path), env, ctx);
      await res.arrayBuffer();
      requests.push({ path, ms: performance.now() - t, status: res.status });
    }
    return Response.json({ ms, requests });
  } };`;
  return new Miniflare(
    convertV4MiniflareOptions({
      name: "startup",
      handleStructuredLogs: () => {},
      ...(opts.inspect ? { inspectorPort: 0 } : {}),
      modules: [
        { type: "ESModule", path: join(dirname(script), "__startup.mjs"), contents: wrapper },
        ...workerModules(script),
      ],
      modulesRoot: dirname(script),
      compatibilityDate: settings.compatibilityDate,
      compatibilityFlags: settings.compatibilityFlags,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      ...(opts.bindings ? { bindings: opts.bindings } : {}),
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
}

/** Start-up cost of a bundle in workerd (startupProbe): a fresh runtime each sample, median of `samples`. */
export async function measureStartup(
  script: string,
  settings: WranglerSettings,
  samples = 3,
): Promise<{ ms: number[]; median: number }> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const mf = startupProbe(script, settings);
    try {
      const url = await mf.unsafeGetDirectURL();
      const res = await fetch(url);
      if (!res.ok) throw new Error(`start-up probe answered ${res.status}: ${await res.text()}`);
      ms.push(((await res.json()) as { ms: number }).ms);
    } finally {
      await mf.dispose();
    }
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return { ms, median: sorted[Math.floor(sorted.length / 2)]! };
}

/** The pid of this process's child whose command matches `name` (Linux `ps`). */
export function childPid(name: string, parent = process.pid): number | undefined {
  try {
    const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(parent)], { encoding: "utf8" });
    for (const line of out.split("\n")) {
      const m = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (m && m[2]!.includes(name)) return Number(m[1]);
    }
  } catch {
    // no ps, or no such child
  }
  return undefined;
}
