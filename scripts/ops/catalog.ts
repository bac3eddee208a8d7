/**
 * The read-only commands: list, env (without --check), repo, open. Everything comes from the manifest,
 * plus the local git checkout for `repo`.
 */
import { execFileSync } from "node:child_process";
import { type Environment, IMPORTANCES, type Manifest, repoRoot, type Service, setIn } from "./manifest.ts";
import { EXIT, header, type Outcome, UsageError } from "./output.ts";

const ALIASES: Record<string, string> = {
  prod: "production",
  stage: "staging",
  dev: "development",
  local: "development",
};

export function getService(m: Manifest, name: string | undefined): [string, Service] {
  const valid = Object.keys(m.services);
  if (!name) throw new UsageError("name a service", valid);
  const s = m.services[name];
  if (!s) throw new UsageError(`unknown service "${name}"`, valid);
  return [name, s];
}

export function getEnvironment(m: Manifest, name: string | undefined, fallback = "production"): [string, Environment] {
  const key = ALIASES[name ?? fallback] ?? name ?? fallback;
  const e = m.environments[key];
  if (!e) throw new UsageError(`unknown environment "${name}"`, Object.keys(m.environments));
  return [key, e];
}

/** Environment URLs apply to services the Worker serves; managed services are reached through it. */
function urls(m: Manifest, s: Service): Record<string, string> {
  if (s.status !== "active" || s.provider !== "cloudflare-workers") return {};
  return Object.fromEntries(Object.entries(m.environments).map(([k, e]) => [k, e.url]));
}

export function list(m: Manifest): Outcome {
  const order = ["active", "development", "planned"] as const;
  const groups = order.map((status) => ({
    status,
    services: Object.entries(m.services)
      .filter(([, s]) => s.status === status)
      .map(([name, s]) => ({
        name,
        title: s.title,
        kind: s.kind,
        provider: s.provider,
        phase: s.phase,
        target: s.target ?? null,
        urls: urls(m, s),
      })),
  }));
  return {
    exitCode: EXIT.ok,
    json: { environments: m.environments, groups },
    text: (c) => {
      const lines: string[] = [];
      for (const g of groups.filter((g) => g.services.length)) {
        lines.push(header(c, `${g.status.toUpperCase()} (${g.services.length})`));
        for (const s of g.services) {
          lines.push(
            `  ${c.bold(s.name.padEnd(12))} ${s.kind.padEnd(12)} ${s.provider.padEnd(20)} phase ${s.phase}${s.target ? `  target ${s.target}` : ""}`,
          );
          for (const [env, url] of Object.entries(s.urls)) lines.push(`    ${c.dim(env.padEnd(12))} ${url}`);
        }
      }
      lines.push(
        c.dim(`${Object.keys(m.services).length} services; environments: ${Object.keys(m.environments).join(", ")}`),
      );
      return lines;
    },
  };
}

export function envOf(m: Manifest, name: string, envName?: string): Outcome {
  const [service, s] = getService(m, name);
  const [environment] = getEnvironment(m, envName, "production");
  const vars = IMPORTANCES.map((importance) => ({
    importance,
    vars: s.env.filter((v) => v.importance === importance).map((v) => ({ ...v, set_in: setIn(v) })),
  }));
  return {
    exitCode: EXIT.ok,
    json: { service, environment, vars },
    text: (c) => {
      if (s.env.length === 0)
        return [
          `${service} has no variables of its own${s.used_by.length ? ` (it is configured through ${s.used_by.join(", ")})` : ""}`,
        ];
      const lines = [header(c, `${service} — variables (${environment})`)];
      for (const g of vars.filter((g) => g.vars.length)) {
        lines.push("", c.bold(g.importance.toUpperCase()));
        for (const v of g.vars) {
          lines.push(`  ${c.bold(v.name)} ${c.dim(`${v.kind}, set in ${v.set_in}`)}`);
          lines.push(`    ${v.description}`);
          lines.push(`    default: ${v.default ?? "—"}   example: ${v.example}`);
          if (v.generate) lines.push(`    generate: ${v.generate}`);
        }
      }
      return lines;
    },
  };
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function repo(m: Manifest, name: string): Outcome {
  const [service, s] = getService(m, name);
  const repository = s.repo ?? null;
  const branch = s.branch ?? (repository ? "main" : null);
  const local =
    s.deployment?.config === "wrangler.toml"
      ? {
          branch: git(["rev-parse", "--abbrev-ref", "HEAD"]),
          sha: git(["rev-parse", "--short", "HEAD"]),
          path: repoRoot,
        }
      : null;
  const json = {
    service,
    repo: repository,
    branch,
    https: repository ? `https://github.com/${repository}.git` : null,
    ssh: repository ? `git@github.com:${repository}.git` : null,
    kind: s.kind,
    language: s.language ?? null,
    framework: s.framework ?? null,
    local,
  };
  return {
    exitCode: EXIT.ok,
    json,
    text: (c) => [
      header(c, `${service} — repository`),
      `  repository  ${json.repo ?? "— (a managed service; no repository of its own)"}`,
      `  branch      ${json.branch ?? "—"}`,
      ...(json.https ? [`  https       ${json.https}`, `  ssh         ${json.ssh}`] : []),
      `  kind        ${s.kind}${s.language ? `, ${s.language}` : ""}${s.framework ? `, ${s.framework}` : ""}`,
      ...(local ? [`  this checkout  ${local.path} on ${local.branch ?? "?"} at ${local.sha ?? "?"}`] : []),
    ],
  };
}

export function open(m: Manifest, name: string, envName?: string): Outcome {
  const [service, s] = getService(m, name);
  const [environment, e] = getEnvironment(m, envName);
  const url = urls(m, s)[environment];
  if (!url)
    throw new UsageError(
      `${service} has no URL (${s.status}, provided by ${s.provider}); services with URLs`,
      Object.entries(m.services)
        .filter(([, x]) => Object.keys(urls(m, x)).length)
        .map(([k]) => k),
    );
  return {
    exitCode: EXIT.ok,
    json: { service, environment, url, status: e.status },
    text: () => [url + (e.status === "planned" ? "   (this environment is planned, not deployed yet)" : "")],
  };
}
