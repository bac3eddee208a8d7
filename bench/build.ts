/**
 * Builds what the benchmark serves: the Worker exactly as `wrangler deploy` would upload it
 * (`wrangler deploy --dry-run --outdir`, with esbuild's metafile for the size breakdown), and the
 * floor Worker (bench/floor-worker.ts) bundled with the same resolution conditions.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
const run = promisify(execFile);

export type BundleInfo = {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Largest contributors to the bundle by package (or src/), bytes of output. */
  top: { name: string; bytes: number }[];
};

export async function buildApi(outDir: string): Promise<BundleInfo> {
  const metafile = join(outDir, "meta.json");
  // npx wrangler resolves to the project's wrangler; process.execPath is Node 22 under npm scripts.
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir, "--metafile", metafile], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const path = join(outDir, "index.js");
  const code = readFileSync(path);
  return { path, bytes: code.length, gzipBytes: gzipSync(code).length, top: topInputs(metafile) };
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

/** Output bytes per npm package (node_modules/<pkg>) or first-level src folder, largest first. */
function topInputs(metafile: string): { name: string; bytes: number }[] {
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const byName = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
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
