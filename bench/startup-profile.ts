/**
 * `node bench/startup-profile.ts [bundle.js]`: where module evaluation's time goes. Builds the Worker
 * as deployed (or takes a built bundle), imports it once in workerd with the V8 sampling profiler
 * attached (the same probe as the bench's start-up row, runtime.ts), and prints self time by package
 * and by function (profile.ts; the profile is written to bench-results/startup.cpuprofile). The
 * inspector slows everything down: read shares, then confirm with `node bench/startup-only.ts`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildApi } from "./build.ts";
import { startProfiler, summarize } from "./profile.ts";
import { readWranglerSettings, startupProbe } from "./runtime.ts";

const OUT = join(import.meta.dirname, "..", "bench-results");
const dir = join(OUT, ".build-startup-profile");
let script = process.argv[2];
if (!script) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  script = (await buildApi(dir)).path;
}
const settings = readWranglerSettings();
const mf = startupProbe(script, settings, { inspect: true });
try {
  const url = await mf.unsafeGetDirectURL();
  const profiler = await startProfiler((await mf.getInspectorURL()).href, "startup");
  const res = await fetch(url);
  const { ms } = (await res.json()) as { ms: number };
  const profile = await profiler.stop();
  writeFileSync(join(OUT, "startup.cpuprofile"), JSON.stringify(profile));
  const s = summarize(profile, script);
  console.log(`import: ${ms.toFixed(1)} ms (profiler attached); sampled ${s.totalMs - s.idleMs} ms busy`);
  for (const m of s.byModule)
    console.log(`  ${String(m.ms).padStart(5)} ms ${String(m.share).padStart(5)}%  ${m.module}`);
  for (const f of s.byFunction) console.log(`  ${String(f.ms).padStart(5)} ms  ${f.fn}  [${f.module}]`);
} finally {
  await mf.dispose();
}
