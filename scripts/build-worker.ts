/**
 * Builds the Worker as wrangler uploads it: `node scripts/build-worker.ts [outdir]` (default
 * dist/worker). wrangler.toml runs it as its `[build]` command (`wrangler dev`, `wrangler deploy`,
 * `npm run build`) and uploads the output as is (`no_bundle`, its `rules` name the chunks).
 *
 * Why not wrangler's own bundling: it writes one file, and workerd parses every byte of it before the
 * first request — about half of it route modules that a request may never load. esbuild's code
 * splitting turns each `import()` in src/routes/route-families.ts (and the lazily loaded Sentry SDK)
 * into its own module, which workerd does not read until it is imported. The options below are
 * wrangler's (its resolution conditions, `process.env.NODE_ENV`, kept names, linked source maps, the
 * same externals: Node built-ins, `cloudflare:*`, and the `crypto` fallback bcryptjs never reaches),
 * so the code that runs is the code wrangler would have bundled.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
export const WORKER_OUTDIR = join(ROOT, "dist", "worker");
const PRODUCTION = JSON.stringify("production");

export async function buildWorker(outdir = WORKER_OUTDIR): Promise<Metafile> {
  rmSync(outdir, { recursive: true, force: true }); // wrangler uploads every module in it: no stale chunks
  const result = await build({
    entryPoints: { index: join(ROOT, "src", "index.ts") },
    absWorkingDir: ROOT,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    // .mjs, so that wrangler.toml's module rule for the chunks matches nothing in node_modules (vitest reads it too).
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    external: ["node:*", "cloudflare:*", "crypto"],
    define: {
      "process.env.NODE_ENV": PRODUCTION,
      "global.process.env.NODE_ENV": PRODUCTION,
      "globalThis.process.env.NODE_ENV": PRODUCTION,
      "navigator.userAgent": JSON.stringify("Cloudflare-Workers"),
    },
    minify: true,
    keepNames: true,
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  // worker-configuration.d.ts (wrangler types) types the Durable Object bindings from main's exports.
  writeFileSync(
    join(outdir, "index.d.ts"),
    'export * from "../../src/index.ts";\nexport { default } from "../../src/index.ts";\n',
  );
  return result.metafile;
}

/**
 * The built Worker's modules as Miniflare takes them (it follows no imports itself): the entry and every
 * chunk. A single-file bundle (no chunks/ beside it) is just its entry.
 */
export function workerModules(entry: string): { type: "ESModule"; path: string; contents: Buffer }[] {
  const chunks = join(dirname(entry), "chunks");
  const chunkFiles = existsSync(chunks) ? readdirSync(chunks).filter((f) => /\.m?js$/.test(f)) : [];
  return [entry, ...chunkFiles.map((f) => join(chunks, f))].map((path) => ({
    type: "ESModule",
    path,
    contents: readFileSync(path),
  }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ? resolve(process.argv[2]) : WORKER_OUTDIR;
  const meta = await buildWorker(outdir);
  const modules = Object.keys(meta.outputs).filter((o) => o.endsWith(".mjs"));
  console.log(`built ${modules.length} modules into ${outdir}`);
}
