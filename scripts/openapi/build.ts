/**
 * Writes the OpenAPI document the Worker serves at /api/openapi.json to a file, without starting
 * the Worker: bundles src/app.ts for Node (esbuild, which wrangler already brings) and asks the app
 * for its document. `node scripts/openapi/build.ts [out]` (default dist/openapi.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(import.meta.dirname, "../..");
const out = process.argv[2] ?? join(root, "dist/openapi.json");

export async function buildOpenApiDocument(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), "openapi-"));
  try {
    const stub = join(dir, "cloudflare-workers.mjs");
    // The Durable Object classes are not needed for the document; their base class is stubbed.
    writeFileSync(stub, "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\n");
    const entry = join(dir, "entry.ts");
    writeFileSync(
      entry,
      `import { createFullApp } from ${JSON.stringify(join(root, "src/app.ts"))};\n` +
        `import { openApiDocument } from ${JSON.stringify(join(root, "src/routes/docs/docs.index.ts"))};\n` +
        "export const document = async () => openApiDocument(await createFullApp());\n",
    );
    const bundle = join(dir, "app.mjs");
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "warning",
      alias: { "cloudflare:workers": stub },
      nodePaths: [join(root, "node_modules")],
    });
    const mod = (await import(pathToFileURL(bundle).href)) as { document: () => Promise<unknown> };
    return await mod.document();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const doc = await buildOpenApiDocument();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
