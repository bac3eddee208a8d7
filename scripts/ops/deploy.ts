/**
 * `ops deploy <env>` / `ops rollback <env>`: by hand, the steps the deploy workflow runs —
 * migrations (Neon's direct URL), the secrets check, `wrangler deploy` with the build metadata,
 * then a smoke check of the deployed URL, rolling back to the previous version when it fails.
 * `--dry-run` runs nothing that changes a deployment: it prints the plan and builds the bundle.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getEnvironment } from "./catalog.ts";
import { workerService } from "./consistency.ts";
import { envCheck, wranglerBin } from "./env-check.ts";
import { health, status, type LiveOptions } from "./live.ts";
import { repoRoot, type Manifest } from "./manifest.ts";
import { EXIT, header, UsageError, type Outcome } from "./output.ts";

const run = promisify(execFile);

export type DeployOptions = LiveOptions & { dryRun: boolean; yes: boolean };
type Step = { name: string; command: string; status: "planned" | "ok" | "failed" | "skipped"; detail: string };

async function sh(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: repoRoot, env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env }, timeout: 10 * 60_000, maxBuffer: 32 << 20 });
    return { ok: true, out: (stdout + stderr).trim() };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: ((e.stdout ?? "") + (e.stderr ?? "") || e.message).trim() };
  }
}

const tail = (s: string) => s.split("\n").filter(Boolean).slice(-3).join(" ⏎ ");

async function gitSha(): Promise<string> {
  const r = await sh("git", ["rev-parse", "HEAD"]);
  return r.ok ? r.out : "unknown";
}

/** status and health of the Worker must both pass; a fresh deploy may take a few seconds to answer. */
async function smoke(m: Manifest, env: string, opts: LiveOptions): Promise<{ ok: boolean; detail: string }> {
  const [service] = workerService(m);
  let detail = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [s, h] = await Promise.all([status(m, env, opts), health(m, service, env, opts)]);
    const st = s.json as { status: string };
    if (s.exitCode === EXIT.ok && h.exitCode === EXIT.ok) return { ok: true, detail: `status ${st.status}; every health entrypoint ok` };
    detail = `status ${st.status}; health exit ${h.exitCode}`;
    if (attempt < 3) await new Promise((r) => setTimeout(r, 5000));
  }
  return { ok: false, detail };
}

function target(m: Manifest, envName: string, opts: DeployOptions) {
  const [env, e] = getEnvironment(m, envName);
  const cloud = Object.entries(m.environments).filter(([, x]) => x.kind === "cloudflare").map(([k]) => k);
  if (e.kind !== "cloudflare") throw new UsageError(`${env} is not deployed with wrangler (use \`npm run dev\`)`, cloud);
  if (e.status !== "active") throw new UsageError(`${env} is ${e.status}: wrangler.toml has no [env.${e.wrangler_env}] yet`, cloud.filter((k) => m.environments[k]!.status === "active"));
  if (env === "production" && !opts.dryRun && !opts.yes) throw new UsageError("deploying or rolling back production changes what users get: pass --yes");
  return { env, envArgs: e.wrangler_env ? ["--env", e.wrangler_env] : [] };
}

function outcome(kind: string, env: string, dryRun: boolean, steps: Step[]): Outcome {
  const failed = steps.some((s) => s.status === "failed");
  return {
    exitCode: failed ? EXIT.failed : EXIT.ok,
    json: { action: kind, environment: env, dry_run: dryRun, ok: !failed, steps },
    text: (c) => [
      header(c, `${kind} ${env}${dryRun ? " (dry run)" : ""}`),
      ...steps.map((s) => `  ${s.status === "ok" ? c.green("ok     ") : s.status === "failed" ? c.red("FAILED ") : c.dim(s.status.padEnd(7))} ${s.name}: ${c.dim(s.command)}${s.detail ? `\n          ${s.detail}` : ""}`),
    ],
  };
}

export async function deploy(m: Manifest, envName: string, opts: DeployOptions): Promise<Outcome> {
  const { env, envArgs } = target(m, envName, opts);
  const [service] = workerService(m);
  const sha = await gitSha();
  const buildTime = new Date().toISOString();
  const deployArgs = ["deploy", ...envArgs, "--var", `GIT_SHA:${sha}`, "--var", `BUILD_TIME:${buildTime}`];
  const steps: Step[] = [
    { name: "migrations", command: "DATABASE_URL=$DATABASE_URL_UNPOOLED npm run db:migrate", status: "planned", detail: "" },
    { name: "secrets", command: `npm run ops -- env ${service} --check --env ${env}`, status: "planned", detail: "" },
    { name: "deploy", command: `wrangler ${deployArgs.join(" ")}`, status: "planned", detail: "" },
    { name: "smoke", command: `npm run ops -- status ${env} && npm run ops -- health ${service} ${env}`, status: "planned", detail: "" },
    { name: "rollback", command: `wrangler rollback ${envArgs.join(" ")} --yes (only when the smoke check fails)`, status: "planned", detail: "" },
  ];
  const [migrations, secrets, deployStep, smokeStep, rollbackStep] = steps as [Step, Step, Step, Step, Step];
  if (opts.dryRun) {
    const out = mkdtempSync(join(tmpdir(), "ops-deploy-"));
    const r = await sh(process.execPath, [wranglerBin, "deploy", "--dry-run", "--outdir", out, ...envArgs]);
    rmSync(out, { recursive: true, force: true });
    deployStep.status = r.ok ? "ok" : "failed";
    deployStep.detail = `wrangler deploy --dry-run: ${tail(r.out)}`;
    return outcome("deploy", env, true, steps);
  }
  const stop = (from: Step[]) => from.forEach((s) => (s.status = "skipped"));

  const direct = process.env.DATABASE_URL_UNPOOLED;
  if (!direct) {
    migrations.status = "failed";
    migrations.detail = "DATABASE_URL_UNPOOLED is not set (Neon's direct connection string; the workflow reads it from GitHub secrets)";
    stop([secrets, deployStep, smokeStep, rollbackStep]);
    return outcome("deploy", env, false, steps);
  }
  const mig = await sh("npm", ["run", "db:migrate"], { DATABASE_URL: direct });
  migrations.status = mig.ok ? "ok" : "failed";
  migrations.detail = tail(mig.out);
  if (!mig.ok) return stop([secrets, deployStep, smokeStep, rollbackStep]), outcome("deploy", env, false, steps);

  const check = await envCheck(m, service, env, {});
  const cj = check.json as { missing_required?: string[]; error?: string };
  secrets.status = check.exitCode === EXIT.ok ? "ok" : "failed";
  secrets.detail = cj.error ?? (cj.missing_required?.length ? `missing: ${cj.missing_required.join(", ")}` : "every required secret is set");
  if (check.exitCode !== EXIT.ok) return stop([deployStep, smokeStep, rollbackStep]), outcome("deploy", env, false, steps);

  const dep = await sh(process.execPath, [wranglerBin, ...deployArgs]);
  deployStep.status = dep.ok ? "ok" : "failed";
  deployStep.detail = tail(dep.out);
  if (!dep.ok) return stop([smokeStep, rollbackStep]), outcome("deploy", env, false, steps);

  const sm = await smoke(m, env, opts);
  smokeStep.status = sm.ok ? "ok" : "failed";
  smokeStep.detail = sm.detail;
  if (sm.ok) {
    rollbackStep.status = "skipped";
    return outcome("deploy", env, false, steps);
  }
  const rb = await sh(process.execPath, [wranglerBin, "rollback", ...envArgs, "--yes", "--message", `ops deploy: smoke check failed (${sm.detail})`]);
  rollbackStep.status = rb.ok ? "ok" : "failed";
  rollbackStep.detail = tail(rb.out);
  return outcome("deploy", env, false, steps);
}

export async function rollback(m: Manifest, envName: string, opts: DeployOptions): Promise<Outcome> {
  const { env, envArgs } = target(m, envName, opts);
  const args = ["rollback", ...envArgs, "--yes", "--message", "ops rollback"];
  const steps: Step[] = [
    { name: "rollback", command: `wrangler ${args.join(" ")}`, status: "planned", detail: "" },
    { name: "smoke", command: `npm run ops -- status ${env}`, status: "planned", detail: "" },
  ];
  if (opts.dryRun) return outcome("rollback", env, true, steps);
  const rb = await sh(process.execPath, [wranglerBin, ...args]);
  steps[0]!.status = rb.ok ? "ok" : "failed";
  steps[0]!.detail = tail(rb.out);
  if (!rb.ok) return (steps[1]!.status = "skipped"), outcome("rollback", env, false, steps);
  const sm = await smoke(m, env, opts);
  steps[1]!.status = sm.ok ? "ok" : "failed";
  steps[1]!.detail = sm.detail;
  return outcome("rollback", env, false, steps);
}
