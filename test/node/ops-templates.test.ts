/**
 * infra/templates/worker: a throwaway service generated with `ops new` must dry-run deploy (production
 * and staging) with its bindings, typecheck, carry workflows and a .dev.vars.example that agree with its
 * manifest entry (which the manifest schema accepts), and answer `ops status` when it runs.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { manifestPath, repoRoot, validateManifest } from "../../scripts/ops/manifest.ts";
import { readVarsFile } from "../../scripts/ops/sources.ts";
import { ops } from "../helpers/ops.ts";

const run = promisify(execFile);
const wrangler = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  NO_COLOR: "1",
  CLOUDFLARE_ACCOUNT_ID: "",
  CLOUDFLARE_API_TOKEN: "",
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    f === "node_modules" ? [] : statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)).map((x) => `${f}/${x}`) : [f],
  );
}

describe("infra/templates/worker, as a generated service", () => {
  let root: string;
  let dir: string;
  let entry: Record<string, any>;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "ops-template-"));
    dir = join(root, "demo-service");
    const out = await ops(["new", "demo-service", "--dir", dir, "--target", "2027-Q2", "--json"]);
    expect(out.code, out.stderr).toBe(0);
    entry = parseYaml(out.json.manifest_entry);
    // The service's dependencies (hono, wrangler, typescript) are this repository's.
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("has every file, with no placeholder left", () => {
    const files = walk(dir).sort();
    expect(files).toEqual([
      ".dev.vars.example",
      ".github/workflows/ci.yml",
      ".github/workflows/deploy.yml",
      "package.json",
      "public/404.html",
      "public/index.html",
      "src/index.ts",
      "tsconfig.json",
      "wrangler.toml",
    ]);
    for (const f of files) expect(readFileSync(join(dir, f), "utf8"), f).not.toMatch(/__[A-Z_]+__/);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))).toMatchObject({
      name: "demo-service",
      dependencies: { hono: expect.stringMatching(/^\^\d/) },
    });
  });

  it("`ops new` refuses a bad name or a non-empty directory (exit 2)", async () => {
    expect((await ops(["new", "Bad_Name", "--dir", join(root, "x")])).code).toBe(2);
    const again = await ops(["new", "demo-service", "--dir", dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists and is not empty");
  });

  for (const target of ["production", "staging"]) {
    it(`wrangler deploy --dry-run (${target}): assets, the SQLite Durable Object and that environment's vars`, async () => {
      const args = [
        wrangler,
        "deploy",
        "--dry-run",
        "--outdir",
        `dist-${target}`,
        ...(target === "staging" ? ["--env", "staging"] : []),
      ];
      const { stdout } = await run(process.execPath, args, { cwd: dir, env, timeout: 180_000 });
      expect(stdout).toContain("--dry-run: exiting now.");
      expect(stdout).toMatch(/env\.STATE \(DemoServiceState\)\s+Durable Object/);
      expect(stdout).toMatch(/env\.ASSETS\s+Assets/);
      expect(stdout).toContain(`env.ENVIRONMENT ("${target}")`);
    }, 200_000);
  }

  it("wrangler.toml: observability on, the class on SQLite, staging repeats what [env.*] does not inherit", () => {
    const t = parseToml(readFileSync(join(dir, "wrangler.toml"), "utf8")) as Record<string, any>;
    expect(t.observability).toMatchObject({ enabled: true });
    expect(t.migrations).toEqual([{ tag: "v1", new_sqlite_classes: ["DemoServiceState"] }]);
    expect(Object.keys(t.env.staging.vars).sort()).toEqual(Object.keys(t.vars).sort());
    expect(t.env.staging.durable_objects.bindings).toEqual(t.durable_objects.bindings);
  });

  it("typechecks (wrangler types from .dev.vars.example, then tsc)", async () => {
    await run(process.execPath, [wrangler, "types", "--env-file", ".dev.vars.example"], {
      cwd: dir,
      env,
      timeout: 180_000,
    });
    await run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "."], {
      cwd: dir,
      env,
      timeout: 180_000,
    });
  }, 200_000);

  it("its manifest entry passes the manifest schema and names every variable its files name", () => {
    const raw = parseYaml(readFileSync(manifestPath, "utf8")) as Record<string, any>;
    raw.services = { ...raw.services, ...entry };
    const m = validateManifest(raw);
    const service = m.services["demo-service"]!;
    const names = service.env.map((v) => v.name).sort();
    expect([...readVarsFile(join(dir, ".dev.vars.example")).keys()].sort()).toEqual(names);
    const t = parseToml(readFileSync(join(dir, "wrangler.toml"), "utf8")) as { vars: Record<string, string> };
    expect(Object.keys(t.vars).sort()).toEqual(
      service.env
        .filter((v) => v.kind === "var" && (v.set_in ?? "vars") === "vars")
        .map((v) => v.name)
        .sort(),
    );
    expect(service.deployment?.durable_objects).toEqual(["STATE"]);
  });

  it("workflows: CI dry-runs both environments; deploy runs after CI, pushes every secret, smoke-checks and rolls back", () => {
    const ci = parseYaml(readFileSync(join(dir, ".github/workflows/ci.yml"), "utf8")) as Record<string, any>;
    const ciRuns = ci.jobs.check.steps.map((s: { run?: string }) => s.run).filter(Boolean);
    expect(ciRuns).toEqual(
      expect.arrayContaining([
        "npm run typecheck",
        "npm test",
        "npx wrangler deploy --dry-run --outdir dist-staging --env staging",
      ]),
    );
    const text = readFileSync(join(dir, ".github/workflows/deploy.yml"), "utf8");
    const deploy = parseYaml(text) as Record<string, any>;
    expect(deploy.on.workflow_run).toMatchObject({ workflows: ["CI"], types: ["completed"] });
    expect(deploy.jobs.deploy.if).toContain("github.event.workflow_run.conclusion == 'success'");
    const steps = deploy.jobs.deploy.steps as Array<{ name?: string; run?: string; if?: string }>;
    expect(steps.map((s) => s.name).filter(Boolean)).toEqual(["Push secrets", "Deploy", "Smoke check", "Roll back"]);
    expect(steps.find((s) => s.name === "Roll back")!.if).toBe("failure() && steps.deploy.outcome == 'success'");
    const secrets = entry["demo-service"].env
      .filter((v: { kind: string }) => v.kind === "secret")
      .map((v: { name: string }) => v.name);
    const pushed = JSON.parse(/const names=(\[[^\]]*\])/.exec(steps.find((s) => s.name === "Push secrets")!.run!)![1]!);
    expect(pushed).toEqual(secrets);
    const used = [...new Set([...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]))].sort();
    expect(used).toEqual(["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN", ...secrets].sort());
  });

  it("runs: `ops status` against the generated service under wrangler dev is healthy", async () => {
    copyFileSync(join(dir, ".dev.vars.example"), join(dir, ".dev.vars"));
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const child = spawn(
      process.execPath,
      [wrangler, "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", join(root, "state")],
      { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    let log = "";
    child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${log}`)), 90_000);
        const check = () => /Ready on/.test(log) && (clearTimeout(timer), resolve());
        child.stdout!.on("data", check);
        child.once("exit", (code) => reject(new Error(`wrangler dev exited ${code}:\n${log}`)));
      });
      const out = await ops(["status", "--url", `http://127.0.0.1:${port}`, "--json"]);
      expect(out.json, log).toMatchObject({
        status: "healthy",
        ok: true,
        checks: { state: { status: "up" } },
        version: { git_sha: "local", environment: "development" },
      });
      expect(out.code).toBe(0);
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }, 150_000);
});
