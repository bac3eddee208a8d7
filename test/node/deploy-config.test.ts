/**
 * The deploy path, checked offline: the secrets it pushes cover every binding the config reads,
 * staging mirrors production's vars and Durable Objects, the workflows pass actionlint (and a typo
 * does not), and the smoke check tells a healthy deployment from a broken one.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { NOT_SECRETS, OPTIONAL_SECRETS, REQUIRED_SECRETS, secretsFrom } from "../../scripts/deploy/secrets.ts";
import { smokeCheck } from "../../scripts/deploy/smoke.ts";
import { lintWorkflows, workflowFiles } from "../../scripts/lint-workflows.ts";
import { loadManifest, setIn } from "../../scripts/ops/manifest.ts";
import { CONFIG_KEYS } from "../../src/config.ts";

const root = join(import.meta.dirname, "../..");
const production = unstable_readConfig({ config: join(root, "wrangler.toml") });
const staging = unstable_readConfig({ config: join(root, "wrangler.toml"), env: "staging" });

describe("deploy configuration", () => {
  it("pushes every binding the config reads that is not a [vars] entry, as a required or optional secret", () => {
    const vars = new Set(Object.keys(production.vars));
    // Settings whose production value is the config's own default (the manifest says so) need no push.
    const defaults = new Set(
      loadManifest()
        .services["edge-api"]!.env.filter((v) => v.kind === "var" && setIn(v) === "default")
        .map((v) => v.name),
    );
    const secrets = new Set<string>([...REQUIRED_SECRETS, ...OPTIONAL_SECRETS]);
    const uncovered = CONFIG_KEYS.filter(
      (k) => !vars.has(k) && !secrets.has(k) && !defaults.has(k) && !(k in NOT_SECRETS),
    );
    expect(uncovered).toEqual([]);
    expect([...secrets].filter((k) => !CONFIG_KEYS.includes(k))).toEqual([]); // nothing stale
  });

  it("names every missing required secret and pushes optional ones only when set", () => {
    const { secrets, missing } = secretsFrom({
      SECRET_KEY: "s",
      OPENAI_API_KEY: "",
      SENTRY_DSN: "https://x@sentry.example/1",
    });
    expect(missing).toEqual(REQUIRED_SECRETS.filter((k) => k !== "SECRET_KEY"));
    expect(Object.keys(secrets).sort()).toEqual(["SECRET_KEY", "SENTRY_DSN"]);
    // The deploy's own Cloudflare token is never pushed into the Worker; the integration's has its own variable.
    expect(secretsFrom({ CLOUDFLARE_API_TOKEN: "deploy-token" }).secrets).toEqual({});
    expect(
      secretsFrom({ CLOUDFLARE_API_TOKEN: "deploy-token", INTEGRATION_CLOUDFLARE_API_TOKEN: "cf" }).secrets,
    ).toEqual({ CLOUDFLARE_API_TOKEN: "cf" });
  });

  it("gives staging its own Worker with production's vars (its own URLs), Durable Objects and migrations", () => {
    expect(staging.name).toBe(`${production.name}-staging`);
    expect(Object.keys(staging.vars).sort()).toEqual(Object.keys(production.vars).sort());
    expect(staging.vars.ENVIRONMENT).toBe("production");
    expect(staging.vars.API_BASE_URL).not.toBe(production.vars.API_BASE_URL);
    const names = (c: typeof production) =>
      c.durable_objects.bindings.map((b: { name: string; class_name: string }) => `${b.name}:${b.class_name}`).sort();
    expect(names(staging)).toEqual(names(production));
    expect(staging.migrations).toEqual(production.migrations);
    const bindings = (c: typeof production) => c.r2_buckets.map((b: { binding: string }) => b.binding);
    expect(bindings(staging)).toEqual(bindings(production));
    expect(staging.r2_buckets[0]?.bucket_name).not.toBe(production.r2_buckets[0]?.bucket_name);
  });
});

describe("workflow lint (actionlint)", () => {
  const dir = mkdtempSync(join(tmpdir(), "blackroad-actionlint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes the workflows as they are", async () => {
    expect(await lintWorkflows(workflowFiles())).toEqual([]);
  });

  it("catches a typo in a key and in an expression", async () => {
    const deploy = readFileSync(join(root, ".github/workflows/deploy.yml"), "utf8");
    const typos = join(dir, "deploy.yml");
    writeFileSync(
      typos,
      deploy
        .replace("runs-on:", "runs-onn:")
        .replace("github.event.workflow_run.head_sha }}", "github.event.worflow_run.head_sha }}"),
    );
    const findings = await lintWorkflows([typos]);
    expect(findings.join("\n")).toMatch(/runs-onn/);
    expect(findings.length).toBeGreaterThanOrEqual(2);
  });
});

describe("smoke check", () => {
  let server: Server;
  let summaryStatus = "healthy";
  afterAll(() => server?.close());

  it("passes a healthy deployment serving the expected commit, and fails a degraded one", async () => {
    server = createServer((req, res) => {
      const body =
        req.url === "/health"
          ? { status: "healthy" }
          : req.url === "/api/health/summary"
            ? { status: summaryStatus }
            : req.url === "/api/openapi.json"
              ? { openapi: "3.1.0", paths: {} }
              : req.url === "/api/system/version"
                ? { git_sha: "abc123" }
                : null;
      res.writeHead(body ? 200 : 404, { "Content-Type": "application/json" }).end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    expect(await smokeCheck(base, "abc123", 1, 0)).toEqual([]);
    expect((await smokeCheck(base, "def456", 1, 0)).join()).toMatch(/serving abc123, expected def456/);
    summaryStatus = "degraded";
    expect((await smokeCheck(base, "abc123", 1, 0)).join()).toMatch(
      /\/api\/health\/summary: HTTP 200, status degraded/,
    );
  });
});
