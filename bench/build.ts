/**
 * Builds what the benchmark serves: the Worker exactly as `wrangler deploy` uploads it (the build of
 * wrangler.toml's [build] command, scripts/build-worker.ts, with esbuild's metafile for the size
 * breakdown), and the floor Worker (bench/floor-worker.ts) bundled with the same resolution conditions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { buildWorker } from "../scripts/build-worker.ts";

const ROOT = join(import.meta.dirname, "..");

export type BundleInfo = {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Modules uploaded (the entry, route modules, shared chunks). */
  modules: number;
  /** Bytes of the modules evaluated at start-up (the entry and its static imports). */
  startupBytes: number;
  /** Largest contributors to the start-up modules by package (or src/), bytes of output. */
  top: { name: string; bytes: number }[];
};

export async function buildApi(outDir: string): Promise<BundleInfo> {
  // The same build wrangler.toml's [build] command runs, whose output wrangler uploads as is.
  const meta = await buildWorker(outDir);
  const path = join(outDir, "index.mjs");
  const outputs = Object.entries(meta.outputs).filter(([name]) => name.endsWith(".mjs"));
  const initial = staticClosure(meta, outputs.find(([name]) => name.endsWith("/index.mjs"))![0]);
  const code = Buffer.concat(outputs.map(([name]) => readFileSync(join(ROOT, name))));
  const startupCode = Buffer.concat([...initial].map((name) => readFileSync(join(ROOT, name))));
  return {
    path,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    modules: outputs.length,
    startupBytes: startupCode.length,
    top: topInputs(meta, initial),
  };
}

/** The modules workerd evaluates before the first request: the entry and what it imports statically. */
function staticClosure(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const next = [entry];
  for (let name = next.pop(); name !== undefined; name = next.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const i of meta.outputs[name]!.imports) if (i.kind === "import-statement" && !i.external) next.push(i.path);
  }
  return seen;
}

export async function buildFloor(outDir: string): Promise<string> {
  const outfile = join(outDir, "floor.js");
  await build({
    entryPoints: [join(ROOT, "bench", "floor-worker.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    // As wrangler does: bcryptjs imports Node's "crypto" only as a fallback it never reaches in workerd.
    external: ["node:*", "cloudflare:*", "crypto"],
    logLevel: "silent",
  });
  return outfile;
}

/** Output bytes of the start-up modules per npm package (node_modules/<pkg>) or first-level src folder, largest first. */
function topInputs(meta: Metafile, outputs: Set<string>): { name: string; bytes: number }[] {
  const byName = new Map<string, number>();
  for (const output of [...outputs].map((name) => meta.outputs[name]!)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = m
        ? m[1]!
        : input
            .replace(/^(\.\.\/)*/, "")
            .split("/")
            .slice(0, 2)
            .join("/");
      byName.set(name, (byName.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byName]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12);
}
