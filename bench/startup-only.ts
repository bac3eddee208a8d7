/** `node bench/startup-only.ts`: bundle size and start-up time only (the first rows of `npm run bench`), for quick comparisons. */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildApi, buildFloor } from "./build.ts";
import { measureStartup, readWranglerSettings } from "./runtime.ts";

const dir = join(import.meta.dirname, "results", ".build-startup");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const samples = Number(process.env.SAMPLES ?? 7);
const api = await buildApi(dir);
const floor = await buildFloor(dir);
const settings = readWranglerSettings();
const a = await measureStartup(api.path, settings, samples);
const f = await measureStartup(floor, settings, samples);
console.log(
  `bundle ${(api.bytes / 1024).toFixed(0)} KiB (${(api.gzipBytes / 1024).toFixed(0)} KiB gzip); start-up median of ${samples}: ${a.median.toFixed(1)} ms (floor ${f.median.toFixed(1)} ms)`,
);
rmSync(dir, { recursive: true, force: true });
