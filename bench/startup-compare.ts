/**
 * `node bench/startup-compare.ts a/index.js b/index.js …`: start-up (module evaluation in workerd, the
 * bench's start-up probe) of built bundles, measured interleaved (a, b, a, b, …) so that a shared
 * machine's load drifts over all of them alike. SAMPLES per bundle (default 7); prints each median.
 */
import { measureStartup, readWranglerSettings } from "./runtime.ts";

const bundles = process.argv.slice(2);
const samples = Number(process.env.SAMPLES ?? 7);
const settings = readWranglerSettings();
const ms = new Map<string, number[]>(bundles.map((b) => [b, []]));
for (let i = 0; i < samples; i++)
  for (const b of bundles) ms.get(b)!.push(...(await measureStartup(b, settings, 1)).ms);
for (const [b, xs] of ms) {
  const sorted = [...xs].sort((x, y) => x - y);
  console.log(
    `${b}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms (min ${sorted[0]!.toFixed(1)}, all ${xs.map((x) => x.toFixed(0)).join(" ")})`,
  );
}
