/**
 * The Worker as it is uploaded (scripts/build-worker.ts, wrangler.toml's [build] command): the vitest
 * workers project runs the source through Vite, so only this test runs the built modules. It checks
 * what start-up reads (no route module, not the app, not Neon's driver, not the full zod build) and
 * that workerd, given the modules, answers a route of the app and one from a route module's chunk.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { buildWorker, workerModules } from "../../scripts/build-worker.ts";

const root = join(import.meta.dirname, "../..");
const outdir = mkdtempSync(join(tmpdir(), "build-worker-"));
let meta: Metafile;

/** Source files whose code is in the modules workerd evaluates before the first request. */
function startupInputs(): string[] {
  const entry = Object.keys(meta.outputs).find((o) => o.endsWith("/index.mjs"))!;
  const seen = new Set<string>();
  for (const next = [entry]; next.length > 0; ) {
    const name = next.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const i of meta.outputs[name]!.imports) if (i.kind === "import-statement" && !i.external) next.push(i.path);
  }
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
}

beforeAll(async () => {
  meta = await buildWorker(outdir);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("the built Worker", () => {
  it("reads no route module at start-up; each is its own module", () => {
    // docs.index.ts is no router: app.ts registers /api/docs and /api/openapi.json with it.
    const routeModules = Object.keys(meta.inputs).filter(
      (i) => /^src\/routes\/[^/]+\/[^/]+\.index\.ts$/.test(i) && !i.startsWith("src/routes/docs/"),
    );
    expect(routeModules.length).toBeGreaterThan(30);
    expect(startupInputs().filter((i) => routeModules.includes(i))).toEqual([]);
    const entryPoints = Object.values(meta.outputs).flatMap((o) => (o.entryPoint ? [o.entryPoint] : []));
    expect(routeModules.filter((m) => !entryPoints.includes(m))).toEqual([]);
  });

  it("reads neither the app nor Neon's driver nor the full zod build at start-up", () => {
    // What every isolate (Durable Objects and Workflows included) evaluates before its first event;
    // each of these loads on first use (src/index.ts, src/lib/db.ts). zod's core is shared with the
    // zod/mini that config.ts parses the bindings with.
    const lazy = [
      "src/app.ts",
      "src/lib/neon-database.ts",
      "node_modules/@neondatabase/serverless/",
      "node_modules/drizzle-orm/neon-http/",
      "node_modules/@hono/zod-openapi/",
      "node_modules/@asteasolutions/zod-to-openapi/",
      "node_modules/zod/v4/classic/",
    ];
    const inputs = startupInputs();
    expect(lazy.filter((l) => inputs.some((i) => i.startsWith(l)))).toEqual([]);
    for (const l of lazy)
      expect(
        Object.keys(meta.inputs).some((i) => i.startsWith(l)),
        l,
      ).toBe(true);
  });

  it("runs in workerd: the entry's routes and a lazily imported route module answer", async () => {
    const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: workerModules(join(outdir, "index.mjs")),
        modulesRoot: outdir,
        compatibilityDate: config.compatibility_date,
        compatibilityFlags: config.compatibility_flags,
        bindings: {
          ...config.vars,
          ENVIRONMENT: "test",
          // Never contacted by these two routes.
          DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none",
          UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
          UPSTASH_REDIS_REST_TOKEN: "unused-token",
          SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
          WALLET_MASTER_KEY: "test-wallet-master-key-0123456789abcdef0123456789",
        },
      } as Parameters<typeof convertV4MiniflareOptions>[0]),
    );
    try {
      const health = await mf.dispatchFetch("http://edge.test/health");
      expect(health.status, await health.clone().text()).toBe(200);
      expect(await health.json()).toMatchObject({ status: "healthy" });
      const version = await mf.dispatchFetch("http://edge.test/api/system/version");
      expect(version.status, await version.clone().text()).toBe(200);
    } finally {
      await mf.dispose();
    }
  });
});
