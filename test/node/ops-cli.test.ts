/**
 * `npm run ops` as a person or a script runs it: a child process, its stdout, stderr and exit code.
 * The catalog commands, usage errors (exit 2 with the valid names), `env --check` against a vars file
 * and against Cloudflare's API (faked at the network edge: real wrangler, answered by this test),
 * and the deploy plan (a real `wrangler deploy --dry-run`).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/ops/manifest.ts";
import { ops } from "../helpers/ops.ts";

const ANSI = /\u001b\[/;

describe("catalog commands", () => {
  it("list groups services by status, with URLs; --json is parseable; no colour off a terminal", async () => {
    const text = await ops(["list"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ACTIVE \(4\)\n {2}edge-api/);
    expect(text.stdout).toMatch(/PLANNED \(3\)[\s\S]*api-gateway[\s\S]*target 2027-Q1/);
    expect(text.stdout).not.toMatch(ANSI);
    const { json, code } = await ops(["list", "--json"]);
    expect(code).toBe(0);
    const active = json.groups.find((g: { status: string }) => g.status === "active");
    expect(active.services.map((s: { name: string }) => s.name)).toEqual(["edge-api", "postgres", "redis", "api-docs"]);
    expect(active.services[0].urls).toMatchObject({
      production: "https://blackroad.systems",
      development: "http://127.0.0.1:8787",
    });
  });

  it("env shows variables by importance with defaults, examples and how to generate them", async () => {
    const { json, code } = await ops(["env", "edge-api", "--json"]);
    expect(code).toBe(0);
    expect(json.vars.map((g: { importance: string }) => g.importance)).toEqual(["required", "important", "optional"]);
    const required = json.vars[0].vars.map((v: { name: string }) => v.name);
    expect(required).toEqual([
      "DATABASE_URL",
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
      "SECRET_KEY",
      "WALLET_MASTER_KEY",
    ]);
    const secret = json.vars[0].vars.find((v: { name: string }) => v.name === "SECRET_KEY");
    expect(secret).toMatchObject({ kind: "secret", set_in: "secrets", generate: "openssl rand -base64 48" });
    const text = await ops(["env", "edge-api"]);
    expect(text.stdout).toContain("BCRYPT_ROUNDS var, set in vars");
  });

  it("repo and open", async () => {
    const repo = await ops(["repo", "edge-api", "--json"]);
    expect(repo.json).toMatchObject({
      repo: "blackboxprogramming/BlackRoad-Operating-System",
      branch: "main",
      local: { path: repoRoot },
    });
    const open = await ops(["open", "edge-api", "prod"]);
    expect(open).toMatchObject({ code: 0, stdout: "https://blackroad.systems\n" });
    const dev = await ops(["open", "edge-api", "development", "--json"]);
    expect(dev.json).toMatchObject({ environment: "development", url: "http://127.0.0.1:8787" });
  });

  it("unknown command, service or environment: exit 2 with the valid names", async () => {
    const cmd = await ops(["deploi"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain(
      "unknown command 'deploi' — did you mean deploy? (valid: list, env, repo, open, status, health, check, docs, new, deploy, rollback)",
    );
    const svc = await ops(["env", "nope", "--json"]);
    expect(svc.code).toBe(2);
    expect(svc.json).toMatchObject({
      error: 'unknown service "nope" (valid: edge-api, postgres, redis, api-docs, api-gateway, agents, web, lucidia)',
    });
    const env = await ops(["open", "edge-api", "moon"]);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('unknown environment "moon" (valid: development, staging, production)');
    const opt = await ops(["status", "--bogus"]);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("unknown option '--bogus'");
  });

  it("check: the manifest agrees with the code", async () => {
    const out = await ops(["check", "--json"]);
    expect(out.json).toEqual({ ok: true, problems: [] });
    expect(out.code).toBe(0);
  });
});

describe("env --check", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-env-check-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("development: a vars file missing a secret, or with a weak one, fails and names them", async () => {
    const file = join(dir, "bad.vars");
    writeFileSync(
      file,
      "DATABASE_URL=postgres://x\nUPSTASH_REDIS_REST_URL=http://127.0.0.1:1\nUPSTASH_REDIS_REST_TOKEN=t\nSECRET_KEY=short\n",
    );
    const out = await ops(["env", "edge-api", "--check", "--env", "development", "--vars-file", file, "--json"]);
    expect(out.code).toBe(1);
    expect(out.json.missing_required).toEqual(["WALLET_MASTER_KEY"]);
    expect(out.json.problems).toEqual([
      "SECRET_KEY: SECRET_KEY must be at least 32 bytes",
      "WALLET_MASTER_KEY: WALLET_MASTER_KEY is not set",
    ]);
    expect(out.json.missing_optional).toContain("OPENAI_API_KEY");
  });

  it("development: a complete vars file passes", async () => {
    const file = join(dir, "good.vars");
    const key = "k".repeat(40);
    writeFileSync(
      file,
      `DATABASE_URL=postgres://x\nUPSTASH_REDIS_REST_URL=http://127.0.0.1:1\nUPSTASH_REDIS_REST_TOKEN=t\nSECRET_KEY=${key}\nWALLET_MASTER_KEY=${key}\n`,
    );
    const out = await ops(["env", "edge-api", "--check", "--env", "dev", "--vars-file", file]);
    expect(out.stdout).toContain("ok: every required variable is set");
    expect(out.code).toBe(0);
  });

  describe("a cloud environment, through `wrangler secret list` against a fake Cloudflare API", () => {
    let server: Server;
    let base: string;
    const seen: IncomingMessage[] = [];
    let secrets = ["DATABASE_URL", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "SECRET_KEY"];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req);
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            success: true,
            errors: [],
            messages: [],
            result: secrets.map((name) => ({ name, type: "secret_text" })),
          }),
        );
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}/client/v4`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));
    const cf = () => ({
      CLOUDFLARE_API_BASE_URL: base,
      CLOUDFLARE_API_TOKEN: "test-token",
      CLOUDFLARE_ACCOUNT_ID: "acct-test",
      WRANGLER_SEND_METRICS: "false",
    });

    it("a missing required secret fails and is named; wrangler asked for this Worker's secrets", async () => {
      const out = await ops(["env", "edge-api", "--check", "--env", "production", "--json"], cf());
      expect(out.code).toBe(1);
      expect(out.json.missing_required).toEqual(["WALLET_MASTER_KEY"]);
      expect(seen.at(-1)!.url).toBe("/client/v4/accounts/acct-test/workers/scripts/blackroad-edge-api/secrets");
      expect(seen.at(-1)!.headers.authorization).toBe("Bearer test-token");
    });

    it("all required secrets set: ok, optional ones listed as off, unknown ones reported", async () => {
      secrets = [...secrets, "WALLET_MASTER_KEY", "LEFTOVER_KEY"];
      const out = await ops(["env", "edge-api", "--check", "--env", "prod", "--json"], cf());
      expect(out.code).toBe(0);
      expect(out.json).toMatchObject({ ok: true, missing_required: [], unknown: ["LEFTOVER_KEY"] });
      expect(out.json.missing_optional).toEqual(expect.arrayContaining(["OPENAI_API_KEY", "STRIPE_SECRET_KEY"]));
    });
  });
});

describe("deploy and rollback", () => {
  it("production needs --yes; development is refused with the deployable environments", async () => {
    const prod = await ops(["deploy", "production"]);
    expect(prod.code).toBe(2);
    expect(prod.stderr).toContain("pass --yes");
    const rb = await ops(["rollback", "development"]);
    expect(rb.code).toBe(2);
    expect(rb.stderr).toContain("development is not deployed with wrangler");
  });

  it("--dry-run prints deploy.sh's steps and builds the bundle with wrangler; the secrets it would lack are named", async () => {
    const out = await ops(["deploy", "production", "--dry-run", "--json"], {
      DATABASE_URL_UNPOOLED: "",
      SECRET_KEY: "",
      WALLET_MASTER_KEY: "",
    });
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({
      script: "scripts/deploy/deploy.sh production",
      url: "https://blackroad.systems",
      dry_run: true,
    });
    expect(out.json.steps.map((s: { name: string }) => s.name)).toEqual([
      "migrations",
      "secrets",
      "deploy",
      "smoke",
      "rollback",
    ]);
    expect(out.json.steps[2]).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("bundle and bindings ok"),
    });
    expect(out.json.steps[1].detail).toMatch(/^not set here: DATABASE_URL_UNPOOLED, .*SECRET_KEY, WALLET_MASTER_KEY$/);
  });

  it("a real deploy with a required secret missing stops before anything runs, naming it", async () => {
    const out = await ops(["deploy", "staging", "--json"], {
      DATABASE_URL_UNPOOLED: "postgres://x",
      DATABASE_URL: "postgres://x",
      UPSTASH_REDIS_REST_URL: "https://x",
      UPSTASH_REDIS_REST_TOKEN: "t",
      SECRET_KEY: "",
      WALLET_MASTER_KEY: "k".repeat(40),
    });
    expect(out.code).toBe(1);
    expect(out.json.steps.slice(0, 2)).toEqual([
      { name: "migrations", status: "skipped", detail: "" },
      {
        name: "secrets",
        status: "failed",
        detail: "not set: SECRET_KEY — export them (the workflow takes them from GitHub secrets)",
      },
    ]);
  });
});
