/**
 * How workerd's own memory (RSS) behaves under plain traffic, with none of this project's code: a
 * Worker that fetches a loopback HTTP server and returns the body, driven N times per mode (8 at a
 * time), workerd's RSS (and its transparent huge pages) read after each mode and 11 s of idle:
 *   none       fetch without a signal
 *   timeout    fetch with AbortSignal.timeout(10 s), as lib/db.ts does (the timer outlives the fetch)
 *   cleared    fetch with an AbortController whose setTimeout is cleared once the body is read
 *   static     no fetch at all: the Worker answers "ok"
 * HEAP=1 also prints the isolate's V8 heap (used / committed) before and after a forced full GC.
 * `MODES=none,none,none node bench/workerd-memory.ts [requests per mode]` (default 4,000 and the
 * three modes twice). It is the baseline for the soak's workerd RSS column (docs/performance.md).
 * Loopback only.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { attachHeapInspector } from "./heap.ts";
import { childPid } from "./runtime.ts";

const N = Number(process.argv[2] ?? 4000);
const upstream = createServer((_req, res) => res.end(JSON.stringify({ rows: [{ id: 1, name: "x".repeat(200) }] })));
await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
const target = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/`;

const script = `export default { async fetch(request) {
  const mode = new URL(request.url).searchParams.get("mode");
  let res, timer;
  if (mode === "static") return new Response("ok");
  if (mode === "none") res = await fetch(${JSON.stringify(target)});
  else if (mode === "timeout") res = await fetch(${JSON.stringify(target)}, { signal: AbortSignal.timeout(10000) });
  else {
    const c = new AbortController();
    timer = setTimeout(() => c.abort(), 10000);
    res = await fetch(${JSON.stringify(target)}, { signal: c.signal });
  }
  const text = await res.text();
  clearTimeout(timer);
  return new Response(text);
} };`;
const mf = new Miniflare(
  convertV4MiniflareOptions({
    handleStructuredLogs: () => {},
    ...(process.env.HEAP === "1" ? { inspectorPort: 0 } : {}),
    workers: [
      { name: "probe", modules: true, script, compatibilityDate: "2026-01-01", unsafeDirectSockets: [{ port: 0 }] },
    ],
  } as Parameters<typeof convertV4MiniflareOptions>[0]),
);
const url = (await mf.unsafeGetDirectURL("probe")).href;
const pid = childPid("workerd");
const field = (file: string, name: string) =>
  Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/${file}`, "utf8"))![1]) / 102.4) /
  10;
const rss = () => `${field("status", "VmRSS")} (huge pages ${field("smaps_rollup", "AnonHugePages")})`;
const heap =
  process.env.HEAP === "1"
    ? await attachHeapInspector((await mf.getInspectorURL()).href, "probe", () => fetch(`${url}?mode=static`))
    : undefined;
async function heapNow() {
  if (!heap) return "";
  const before = await heap.usage();
  await heap.collectGarbage();
  const after = await heap.usage();
  return `; V8 heap ${before.usedMiB} / ${before.totalMiB} MiB, after GC ${after.usedMiB} / ${after.totalMiB} MiB, then RSS ${rss()}`;
}
const MODES = (process.env.MODES ?? "none,cleared,timeout,none,cleared,timeout").split(",");

async function drive(mode: string) {
  let next = 0;
  const worker = async () => {
    while (next++ < N) await (await fetch(`${url}?mode=${mode}`)).text();
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
await drive("none"); // warm-up
console.log(`warm-up: workerd ${rss()} MiB`);
for (const mode of MODES) {
  const before = rss();
  await drive(mode);
  await new Promise((r) => setTimeout(r, 11_000)); // let every 10 s timer fire
  console.log(`${mode.padEnd(8)} ${N} requests: workerd ${before} → ${rss()} MiB${await heapNow()}`);
}
heap?.close();
await mf.dispose();
upstream.close();
