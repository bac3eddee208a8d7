/**
 * CPU profiles of the Worker during a load run (BENCH_PROFILE=<regex of endpoint names>): the V8
 * sampling profiler over workerd's inspector (Chrome DevTools protocol), written as
 * bench-results/<endpoint>.cpuprofile (open it in Chrome DevTools) and summarised as self time by
 * function and by module of the bundle (through wrangler's source map).
 *
 * Read it for where time goes, not for how much a change will save: with the inspector attached,
 * small hot functions (object construction, property definition) look several times costlier
 * than they are. Confirm a fix with an A/B of the plain benchmark (CPU ms per request).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SourceMapConsumer } from "source-map-js";
import WebSocket from "ws";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
export type CpuProfile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

export type Profiler = { stop(): Promise<CpuProfile> };

/**
 * Starts sampling in workerd's inspector target of Worker `worker` ("core:user:<name>"). The `ws`
 * client, not Node's WebSocket: workerd's inspector closes the latter's connection at once.
 */
export async function startProfiler(inspectorUrl: string, worker: string): Promise<Profiler> {
  const ws = new WebSocket(`${inspectorUrl.replace(/\/?$/, "/")}core:user:${worker}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  return {
    async stop() {
      const { profile } = (await send("Profiler.stop")) as { profile: CpuProfile };
      ws.close();
      return profile;
    },
  };
}

export type ProfileSummary = {
  totalMs: number;
  idleMs: number;
  byModule: { module: string; ms: number; share: number }[];
  byFunction: { fn: string; module: string; ms: number; share: number }[];
};

/**
 * Self time per function and per module of the bundle: through `<bundle>.map` when it exists
 * (wrangler writes one; the bundle is minified), else esbuild's `// node_modules/…` comments.
 */
export function summarize(profile: CpuProfile, bundlePath: string): ProfileSummary {
  // The split build (scripts/build-worker.ts) has a map per module: frames name their module's URL.
  const locators = new Map<string, (line: number, column: number) => string>();
  const moduleAt = (url: string, line: number, column: number) => {
    let at = locators.get(url);
    if (!at) {
      const file = /(?:chunks\/)?[^/]+\.m?js$/.exec(url)?.[0];
      at = moduleLocator(file ? join(dirname(bundlePath), file) : bundlePath);
      locators.set(url, at);
    }
    return at(line, column);
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((nodeId, i) =>
    self.set(nodeId, (self.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000),
  );
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, { module: string; ms: number }>();
  let total = 0;
  let idle = 0;
  for (const [nodeId, ms] of self) {
    const f = nodes.get(nodeId)!.callFrame;
    total += ms;
    if (f.functionName === "(idle)") idle += ms;
    const module = f.url
      ? /\.m?js$/.test(f.url)
        ? moduleAt(f.url, f.lineNumber, f.columnNumber)
        : f.url
      : f.functionName;
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
    const key = `${f.functionName || "(anonymous)"}${f.url ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ""}`;
    const entry = byFunction.get(key) ?? { module, ms: 0 };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  const busy = total - idle;
  return {
    totalMs: Math.round(total),
    idleMs: Math.round(idle),
    byModule: [...byModule]
      .filter(([m]) => m !== "(idle)")
      .map(([module, ms]) => ({ module, ms: Math.round(ms), share: Math.round((ms / busy) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15),
    byFunction: [...byFunction]
      .filter(([fn]) => fn !== "(idle)")
      .map(([fn, { module, ms }]) => ({ fn, module, ms: Math.round(ms), share: Math.round((ms / busy) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 25),
  };
}

/** Maps a 0-based (line, column) of the bundle to its source package (node_modules/<pkg>) or src/<dir>. */
function moduleLocator(bundlePath: string): (line: number, column: number) => string {
  const name = (source: string) => {
    // drizzle-orm's own source maps point at ../src/*.ts, which resolves to node_modules/src.
    if (source.includes("node_modules/src/")) return "drizzle-orm";
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
    if (pkg) return pkg[1]!;
    const local = /(?:^|\/)((?:src|bench)\/.+)$/.exec(source);
    return local ? local[1]! : source;
  };
  if (!existsSync(bundlePath)) return () => "(bundle)";
  if (existsSync(`${bundlePath}.map`)) {
    const consumer = new SourceMapConsumer(JSON.parse(readFileSync(`${bundlePath}.map`, "utf8")));
    return (line, column) => {
      // Frames outside the script (its top-level evaluation) report line -1.
      if (line < 0) return "(bundle)";
      const pos = consumer.originalPositionFor({ line: line + 1, column });
      return pos.source ? name(pos.source) : "(bundle)";
    };
  }
  const marks: { line: number; module: string }[] = [];
  readFileSync(bundlePath, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const m = /^\/\/ ((?:node_modules|src|bench)\/\S+)$/.exec(text);
      if (m) marks.push({ line: i, module: name(m[1]!) });
    });
  return (line) => {
    let found = "(bundle)";
    for (let lo = 0, hi = marks.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]!.line <= line) {
        found = marks[mid]!.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}
