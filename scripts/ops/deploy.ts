/**
 * `ops deploy <env>` / `ops rollback <env>`: by hand, exactly what the deploy workflow runs —
 * scripts/deploy/deploy.sh (migrations, secrets, `wrangler deploy` with the git sha, smoke check,
 * rollback when the smoke check fails), with the environment's URL from the manifest. Before it
 * starts, the ops CLI checks that every variable the script needs is set, and names the missing ones.
 * `--dry-run` changes nothing: it prints the steps and builds the bundle with `wrangler deploy --dry-run`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secretsFrom } from "../deploy/secrets.ts";
import { smokeCheck } from "../deploy/smoke.ts";
import { getEnvironment } from "./catalog.ts";
import { wranglerBin } from "./env-check.ts";
import { type Manifest, repoRoot } from "./manifest.ts";
import { EXIT, header, type Outcome, UsageError } from "./output.ts";

export type DeployOptions = { dryRun: boolean; yes: boolean; url?: string; timeoutMs: number; json: boolean };
type Step = { name: string; status: "planned" | "ok" | "failed" | "skipped"; detail: string };

const STEPS = ["migrations", "secrets", "deploy", "smoke", "rollback"] as const;

/** Runs a command; its output goes to the terminal unless `--json` (then it is kept for the steps). */
function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  quiet: boolean,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const take = (stream: NodeJS.WriteStream) => (c: Buffer) => {
      out += c.toString();
      if (!quiet) stream.write(c);
    };
    child.stdout.on("data", take(process.stderr));
    child.stderr.on("data", take(process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

function target(m: Manifest, envName: string, opts: DeployOptions) {
  const [env, e] = getEnvironment(m, envName);
  const cloud = Object.entries(m.environments)
    .filter(([, x]) => x.kind === "cloudflare")
    .map(([k]) => k);
  if (e.kind !== "cloudflare")
    throw new UsageError(`${env} is not deployed with wrangler (use \`npm run dev\`)`, cloud);
  if (e.status !== "active")
    throw new UsageError(
      `${env} is ${e.status}: wrangler.toml has no [env.${e.wrangler_env}] yet`,
      cloud.filter((k) => m.environments[k]!.status === "active"),
    );
  if (env === "production" && !opts.dryRun && !opts.yes)
    throw new UsageError("deploying or rolling back production changes what users get: pass --yes");
  return { env, url: opts.url ?? e.url, envArgs: e.wrangler_env ? ["--env", e.wrangler_env] : [] };
}

function outcome(
  action: string,
  env: string,
  url: string,
  dryRun: boolean,
  steps: Step[],
  extra: Record<string, unknown> = {},
): Outcome {
  const failed = steps.some((s) => s.status === "failed");
  return {
    exitCode: failed ? EXIT.failed : EXIT.ok,
    json: { action, environment: env, url, dry_run: dryRun, ok: !failed, steps, ...extra },
    text: (c) => [
      header(c, `${action} ${env} (${url})${dryRun ? " — dry run" : ""}`),
      ...steps.map(
        (s) =>
          `  ${s.status === "ok" ? c.green("ok     ") : s.status === "failed" ? c.red("FAILED ") : c.dim(s.status.padEnd(7))} ${s.name}${s.detail ? `  ${c.dim(s.detail)}` : ""}`,
      ),
    ],
  };
}

/** What deploy.sh needs from the environment, named before anything runs. */
export function missingForDeploy(env: NodeJS.ProcessEnv): string[] {
  const missing = secretsFrom(env).missing;
  if (!env.DATABASE_URL_UNPOOLED) missing.unshift("DATABASE_URL_UNPOOLED");
  return missing;
}

export async function deploy(m: Manifest, envName: string, opts: DeployOptions): Promise<Outcome> {
  const { env, url, envArgs } = target(m, envName, opts);
  const steps: Step[] = STEPS.map((name) => ({ name, status: "planned", detail: "" }));
  if (opts.dryRun) {
    const out = mkdtempSync(join(tmpdir(), "ops-deploy-"));
    const r = await run(process.execPath, [wranglerBin, "deploy", "--dry-run", "--outdir", out, ...envArgs], {}, true);
    rmSync(out, { recursive: true, force: true });
    steps[2]!.status = r.code === 0 ? "ok" : "failed";
    steps[2]!.detail = `wrangler deploy --dry-run ${envArgs.join(" ")}: ${r.code === 0 ? "bundle and bindings ok" : r.out.trim().split("\n").slice(-3).join(" ")}`;
    steps[1]!.detail = (() => {
      const missing = missingForDeploy(process.env);
      return missing.length ? `not set here: ${missing.join(", ")}` : "every required secret is set here";
    })();
    return outcome("deploy", env, url, true, steps, { script: `scripts/deploy/deploy.sh ${env}` });
  }
  const missing = missingForDeploy(process.env);
  if (missing.length) {
    steps[0]!.status = "skipped";
    steps[1]!.status = "failed";
    steps[1]!.detail = `not set: ${missing.join(", ")} — export them (the workflow takes them from GitHub secrets)`;
    return outcome("deploy", env, url, false, steps);
  }
  const r = await run("bash", [join(repoRoot, "scripts/deploy/deploy.sh"), env], { DEPLOY_URL: url }, opts.json);
  // deploy.sh announces "== n/5 <step>"; the last one announced is where a failure happened.
  const reached = Math.max(0, ...[...r.out.matchAll(/^== (\d)\/5/gm)].map((x) => Number(x[1])));
  steps.forEach((s, i) => (s.status = i + 1 < reached ? "ok" : "skipped"));
  if (r.code === 0) steps.slice(0, 4).forEach((s) => (s.status = "ok"));
  else if (/smoke check failed: rolling/.test(r.out)) {
    steps[3]!.status = "failed";
    steps[4]!.status = "ok";
    steps[4]!.detail = "rolled back to the previous version";
  } else if (reached > 0) steps[reached - 1]!.status = "failed";
  else steps[0]!.status = "failed";
  const failedStep = steps.find((s) => s.status === "failed");
  if (failedStep && !failedStep.detail) failedStep.detail = r.out.trim().split("\n").slice(-2).join(" ");
  return outcome("deploy", env, url, false, steps, { exit_code: r.code });
}

export async function rollback(m: Manifest, envName: string, opts: DeployOptions): Promise<Outcome> {
  const { env, url, envArgs } = target(m, envName, opts);
  const steps: Step[] = [
    { name: `wrangler rollback ${envArgs.join(" ")}`.trim(), status: "planned", detail: "" },
    { name: "smoke", status: "planned", detail: "scripts/deploy/smoke.ts" },
  ];
  if (opts.dryRun) return outcome("rollback", env, url, true, steps);
  const r = await run(
    process.execPath,
    [wranglerBin, "rollback", ...envArgs, "--yes", "--message", "ops rollback"],
    {},
    opts.json,
  );
  steps[0]!.status = r.code === 0 ? "ok" : "failed";
  steps[0]!.detail = r.out.trim().split("\n").slice(-1).join("");
  if (r.code !== 0) {
    steps[1]!.status = "skipped";
    return outcome("rollback", env, url, false, steps);
  }
  const failures = await smokeCheck(url, undefined, 3, 5_000);
  steps[1]!.status = failures.length ? "failed" : "ok";
  steps[1]!.detail = failures.join("; ");
  return outcome("rollback", env, url, false, steps);
}
