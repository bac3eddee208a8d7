/**
 * `env <service> --check`: which variables an environment lacks.
 *   development  the local vars file (.dev.vars), read as wrangler dev reads it (over wrangler.toml
 *                [vars]) and parsed by src/config.ts's own schema, so a weak secret is caught too.
 *   cloud        `wrangler secret list` for that environment (Cloudflare's API; needs
 *                CLOUDFLARE_API_TOKEN or `wrangler login`), compared with the manifest's secrets.
 */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { configSchema } from "../../src/config.ts";
import { getEnvironment, getService } from "./catalog.ts";
import { type Manifest, repoRoot } from "./manifest.ts";
import { EXIT, header, type Outcome } from "./output.ts";
import { readVarsFile, readWrangler } from "./sources.ts";

const run = promisify(execFile);
export const wranglerBin = join(repoRoot, "node_modules/wrangler/bin/wrangler.js");

type VarState = { name: string; kind: string; importance: string; state: "set" | "missing" };

export async function envCheck(
  m: Manifest,
  name: string,
  envName: string | undefined,
  opts: { varsFile?: string },
): Promise<Outcome> {
  const [service, s] = getService(m, name);
  const [environment, e] = getEnvironment(m, envName, "development");
  let states: VarState[];
  let problems: string[] = [];
  let source: string;
  let extra: string[] = [];

  if (e.kind === "local") {
    const file = resolve(opts.varsFile ?? join(repoRoot, e.vars_file ?? ".dev.vars"));
    source = file;
    const local = readVarsFile(file);
    // wrangler dev: the vars file overrides wrangler.toml [vars]; empty values count as unset.
    const merged = { ...readWrangler().top.vars, ...Object.fromEntries(local) };
    const effective = Object.fromEntries(Object.entries(merged).filter(([, v]) => v.trim() !== ""));
    states = s.env.map((v) => ({
      name: v.name,
      kind: v.kind,
      importance: v.importance,
      state: v.name in effective ? "set" : "missing",
    }));
    if (s.deployment?.config === "wrangler.toml") {
      const parsed = configSchema.safeParse(effective);
      if (!parsed.success) problems = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`);
      if (local.size === 0)
        problems.unshift(`${file} does not exist or is empty — \`npm run dev\` writes it from .dev.vars.example`);
    }
  } else {
    const args = ["secret", "list", "--format", "json", ...(e.wrangler_env ? ["--env", e.wrangler_env] : [])];
    source = `wrangler ${args.join(" ")}`;
    let names: string[];
    try {
      const { stdout } = await run(process.execPath, [wranglerBin, ...args], {
        cwd: repoRoot,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
        timeout: 60_000,
      });
      names = (JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ name: string }>).map((x) => x.name);
    } catch (err) {
      const out = err as { stderr?: string; message: string };
      const detail = (out.stderr || out.message).trim().split("\n").slice(-3).join(" ");
      return {
        exitCode: EXIT.failed,
        json: { service, environment, source, error: detail },
        text: (c) => [
          c.red(`could not list the secrets of ${environment}: ${detail}`),
          "Set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID, or run `npx wrangler login`.",
        ],
      };
    }
    const secrets = s.env.filter((v) => v.kind === "secret");
    states = secrets.map((v) => ({
      name: v.name,
      kind: v.kind,
      importance: v.importance,
      state: names.includes(v.name) ? "set" : "missing",
    }));
    extra = names.filter((n) => !s.env.some((v) => v.name === n));
  }

  const missingRequired = states.filter((v) => v.state === "missing" && v.importance === "required").map((v) => v.name);
  const missingOther = states.filter((v) => v.state === "missing" && v.importance !== "required").map((v) => v.name);
  const ok = missingRequired.length === 0 && problems.length === 0;
  return {
    exitCode: ok ? EXIT.ok : EXIT.failed,
    json: {
      service,
      environment,
      source,
      ok,
      vars: states,
      missing_required: missingRequired,
      missing_optional: missingOther,
      unknown: extra,
      problems,
    },
    text: (c) => [
      header(c, `${service} — ${environment} (${source})`),
      ...states.map(
        (v) =>
          `  ${v.state === "set" ? c.green("set    ") : v.importance === "required" ? c.red("MISSING") : c.yellow("unset  ")} ${v.name} ${c.dim(`${v.kind}, ${v.importance}`)}`,
      ),
      ...extra.map((n) => `  ${c.yellow("unknown")} ${n} ${c.dim("(set there, not in the manifest)")}`),
      ...problems.map((p) => `  ${c.red("config:")} ${p}`),
      ok
        ? c.green(
            `ok: every required variable is set${missingOther.length ? `; unset (features off): ${missingOther.join(", ")}` : ""}`,
          )
        : c.red(
            `missing or invalid: ${[...new Set([...missingRequired, ...problems.map((p) => p.split(":")[0]!)])].join(", ")}`,
          ),
    ],
  };
}
