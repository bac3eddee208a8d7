/**
 * `ops new <service> --dir <path>`: a new BlackRoad Worker from infra/templates/worker — wrangler.toml
 * (assets, a SQLite Durable Object, observability, staging and production), the health contract the
 * ops CLI calls, CI and deploy workflows, .dev.vars.example — plus its entry for infra/manifest.yml.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { repoRoot } from "./manifest.ts";
import { EXIT, header, type Outcome, UsageError } from "./output.ts";

export const templateDir = join(repoRoot, "infra/templates/worker");
const MANIFEST_ENTRY = "manifest-entry.yml";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const pascal = (name: string) =>
  name
    .split("-")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/** The values that replace __NAME__ placeholders. Versions and the compatibility date are this repository's. */
export function placeholders(service: string, opts: { title?: string; target?: string }): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const wrangler = parseToml(readFileSync(join(repoRoot, "wrangler.toml"), "utf8")) as { compatibility_date: string };
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  return {
    __SERVICE__: service,
    __TITLE__:
      opts.title ??
      service
        .split("-")
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join(" "),
    __CLASS__: `${pascal(service)}State`,
    __DATE__: wrangler.compatibility_date,
    __TARGET__: opts.target ?? "TBD",
    __HONO_VERSION__: deps.hono!,
    __TYPESCRIPT_VERSION__: deps.typescript!,
    __VITEST_VERSION__: deps.vitest!,
    __WRANGLER_VERSION__: deps.wrangler!,
  };
}

export function render(text: string, values: Record<string, string>): string {
  return text.replace(/__[A-Z_]+__/g, (m) => values[m] ?? m);
}

export function newService(service: string, opts: { dir?: string; title?: string; target?: string }): Outcome {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(service))
    throw new UsageError(`"${service}" is not a service name: use kebab-case, e.g. blackroad-agents`);
  const dir = resolve(opts.dir ?? service);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty`);
  const values = placeholders(service, opts);
  const files: string[] = [];
  for (const src of walk(templateDir)) {
    const rel = relative(templateDir, src);
    if (rel === MANIFEST_ENTRY) continue;
    const out = join(dir, rel);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, render(readFileSync(src, "utf8"), values));
    files.push(rel);
  }
  const manifestEntry = render(readFileSync(join(templateDir, MANIFEST_ENTRY), "utf8"), values);
  return {
    exitCode: EXIT.ok,
    json: { service, dir, class: values.__CLASS__, files: files.sort(), manifest_entry: manifestEntry },
    text: (c) => [
      header(c, `${service} → ${dir}`),
      ...files.sort().map((f) => `  ${f}`),
      "",
      "Next: npm install; npm run dev; add this to infra/manifest.yml under services:",
      "",
      ...manifestEntry.split("\n").map((l) => `  ${l}`),
    ],
  };
}
