/**
 * Does every place that names a variable agree with the manifest? Each problem says exactly what to
 * add (or change) where, so a helper who adds a variable in one place learns every other place.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type EnvVar, type Manifest, repoRoot, type Service, setIn } from "./manifest.ts";
import {
  CONFIG_DOC,
  readConfigSchema,
  readReadmeTable,
  readVarsFile,
  readWorkflows,
  readWrangler,
  type WranglerSection,
} from "./sources.ts";

export type Problem = { where: string; message: string };

const MANIFEST = "infra/manifest.yml";
const README_KIND: Record<EnvVar["kind"], string> = { secret: "secret", var: "var", local: "local" };

/** The service deployed by the repository's wrangler.toml. */
export function workerService(m: Manifest): [string, Service] {
  const found = Object.entries(m.services).find(([, s]) => s.deployment?.config === "wrangler.toml");
  if (!found) throw new Error(`${MANIFEST}: no service has deployment.config: wrangler.toml`);
  return found;
}

const manifestEntry = (service: string, v: { name: string; kind?: string; default?: string | null }) =>
  `add to ${MANIFEST} services.${service}.env: { name: ${v.name}, kind: ${v.kind ?? "var|secret"}, importance: required|important|optional, description, default: ${v.default === undefined ? "…" : JSON.stringify(v.default)}, example${v.kind === "secret" ? ", generate" : ""} }`;

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function checkBindings(service: string, s: Service, where: string, w: WranglerSection, out: Problem[]) {
  const d = s.deployment ?? {};
  const pairs: Array<[string, string[] | undefined, string[], string]> = [
    ["durable_objects", d.durable_objects, w.durableObjects, "[[durable_objects.bindings]]"],
    ["r2_buckets", d.r2_buckets, w.r2Buckets, "[[r2_buckets]]"],
    ["workflows", d.workflows, w.workflows, "[[workflows]]"],
    ["cron_triggers", d.cron_triggers, w.crons, "[triggers] crons"],
  ];
  for (const [field, declared, actual, toml] of pairs) {
    if (!sameSet(declared ?? [], actual))
      out.push({
        where,
        message: `${toml} has [${actual.join(", ")}] but ${MANIFEST} services.${service}.deployment.${field} says [${(declared ?? []).join(", ")}] — make them the same (update the manifest to what wrangler.toml deploys, or add the missing binding to wrangler.toml)`,
      });
  }
}

export function checkConsistency(m: Manifest, root = repoRoot): Problem[] {
  const out: Problem[] = [];
  const [service, s] = workerService(m);
  const vars = new Map(s.env.map((v) => [v.name, v]));
  const label = (where: string, message: string) => out.push({ where, message });

  // wrangler.toml: [vars] and each [env.*] (which inherit neither vars nor bindings).
  const wrangler = readWrangler(root);
  const sections: Array<[string, WranglerSection]> = [
    ["[vars]", wrangler.top],
    ...Object.entries(wrangler.envs).map(([e, w]) => [`[env.${e}.vars]`, w] as [string, WranglerSection]),
  ];
  for (const [where, w] of sections) {
    for (const name of Object.keys(w.vars)) {
      const v = vars.get(name);
      if (!v)
        label(
          "wrangler.toml",
          `${where} sets ${name}, which the manifest does not name — ${manifestEntry(service, { name, kind: "var", default: w.vars[name] })}`,
        );
      else if (v.kind === "secret")
        label(
          "wrangler.toml",
          `${where} sets ${name}, a secret — remove it from wrangler.toml and set it with \`wrangler secret put ${name}\``,
        );
      else if (setIn(v) !== "vars")
        label(
          MANIFEST,
          `${name} is in wrangler.toml ${where}: set services.${service}.env ${name}.set_in to vars (it says ${setIn(v)})`,
        );
    }
    for (const v of s.env) {
      if (setIn(v) === "vars" && !(v.name in w.vars))
        label(
          "wrangler.toml",
          `${where} lacks ${v.name} (the manifest says it is set in [vars], and [env.*] sections do not inherit [vars]) — add ${v.name} = ${JSON.stringify(v.default ?? v.example)}`,
        );
    }
  }
  checkBindings(service, s, "wrangler.toml", wrangler.top, out);
  for (const [e, w] of Object.entries(wrangler.envs)) checkBindings(service, s, `wrangler.toml [env.${e}]`, w, out);

  // Environments: every [env.X] is a manifest environment and every active cloud environment exists.
  const declaredEnvs = Object.entries(m.environments).filter(([, e]) => e.kind === "cloudflare" && e.wrangler_env);
  for (const name of Object.keys(wrangler.envs)) {
    const match = declaredEnvs.find(([, e]) => e.wrangler_env === name);
    if (!match)
      label(
        MANIFEST,
        `wrangler.toml has [env.${name}] — add environments.${name}: { kind: cloudflare, wrangler_env: ${name}, url, description }`,
      );
    else if (match[1].status !== "active")
      label(MANIFEST, `wrangler.toml has [env.${name}] — set environments.${match[0]}.status to active`);
  }
  for (const [name, e] of declaredEnvs) {
    if (e.status === "active" && !(e.wrangler_env! in wrangler.envs))
      label(
        "wrangler.toml",
        `the manifest's environment ${name} is active but wrangler.toml has no [env.${e.wrangler_env}] — add it (or set environments.${name}.status: planned)`,
      );
  }

  // .dev.vars.example names every variable (dev.ts copies it to .dev.vars; `wrangler types` reads it).
  const example = readVarsFile(join(root, ".dev.vars.example"));
  for (const name of example.keys())
    if (!vars.has(name))
      label(".dev.vars.example", `names ${name}, which the manifest does not — ${manifestEntry(service, { name })}`);
  for (const v of s.env)
    if (!example.has(v.name))
      label(
        ".dev.vars.example",
        `lacks ${v.name} — add a comment line and ${v.name}=${v.kind === "secret" ? "" : (v.default ?? "")}`,
      );

  // src/config.ts: same names, required exactly when the manifest says so, the same defaults.
  const config = readConfigSchema();
  for (const name of config.names)
    if (!vars.has(name))
      label(
        "src/config.ts",
        `parses ${name}, which the manifest does not name — ${manifestEntry(service, { name, default: config.defaults[name] ?? null })}`,
      );
  for (const v of s.env) {
    if (v.parsed_by) {
      const file = join(root, v.parsed_by);
      if (!existsSync(file) || !readFileSync(file, "utf8").includes(v.name))
        label(MANIFEST, `${v.name}.parsed_by is ${v.parsed_by}, which does not read ${v.name}`);
      if (config.names.includes(v.name)) label(MANIFEST, `${v.name} is parsed by src/config.ts — remove its parsed_by`);
      continue;
    }
    if (!config.names.includes(v.name)) {
      label(
        "src/config.ts",
        `configSchema lacks ${v.name} — add ${v.name}: ${v.default === null ? "optional" : `… default ${JSON.stringify(v.default)}`} (or, if another module reads it, set parsed_by in ${MANIFEST})`,
      );
      continue;
    }
    const requiredByConfig = config.required.includes(v.name);
    if (requiredByConfig !== (v.importance === "required"))
      label(
        MANIFEST,
        `${v.name}.importance is ${v.importance} but src/config.ts ${requiredByConfig ? "refuses to start without it — make it required" : "starts without it — make it important or optional"}`,
      );
    if (!requiredByConfig && config.defaults[v.name] !== v.default)
      label(
        MANIFEST,
        `${v.name}.default is ${JSON.stringify(v.default)} but src/config.ts uses ${JSON.stringify(config.defaults[v.name])} when it is unset — make them the same`,
      );
  }

  // README configuration table: one row per variable (generated by `npm run ops -- docs`).
  const rows = readReadmeTable(root);
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const r of rows)
    if (!vars.has(r.name))
      label(
        CONFIG_DOC,
        `the configuration table names ${r.name}, which the manifest does not — ${manifestEntry(service, { name: r.name })}`,
      );
  for (const v of s.env) {
    const r = byName.get(v.name);
    if (!r)
      label(
        CONFIG_DOC,
        `the configuration table lacks ${v.name} — run \`npm run ops -- docs\` (it regenerates the table from the manifest)`,
      );
    else if (r.kind !== README_KIND[v.kind] || r.default !== v.default)
      label(
        CONFIG_DOC,
        `the configuration table says ${v.name} is ${r.kind} with default ${JSON.stringify(r.default)}; the manifest says ${README_KIND[v.kind]} with default ${JSON.stringify(v.default)} — run \`npm run ops -- docs\``,
      );
  }

  // Workflows: every secret a workflow reads is documented, and the manifest lists every workflow.
  const workflows = readWorkflows(root);
  for (const [file, { secrets, events }] of workflows) {
    const declared = m.ci_cd.workflows.find((w) => w.file === file);
    if (!declared) {
      label(
        MANIFEST,
        `${file} exists — add it to ci_cd.workflows with triggers [${events.join(", ")}] and secrets [${secrets.join(", ")}]`,
      );
      continue;
    }
    if (!sameSet(declared.triggers, events))
      label(
        MANIFEST,
        `${file} runs on [${events.join(", ")}] — set its ci_cd.workflows triggers to that (it says [${declared.triggers.join(", ")}]) and describe them in \`when\``,
      );
    const names = declared.secrets.map((x) => x.name);
    for (const n of secrets)
      if (!names.includes(n))
        label(MANIFEST, `${file} reads secrets.${n} — add { name: ${n}, description } to its ci_cd.workflows entry`);
    for (const n of names)
      if (!secrets.includes(n))
        label(MANIFEST, `ci_cd.workflows ${file} lists secret ${n}, which the workflow no longer reads — remove it`);
  }
  for (const w of m.ci_cd.workflows)
    if (!workflows.has(w.file)) label(MANIFEST, `ci_cd.workflows lists ${w.file}, which does not exist — remove it`);

  return out;
}
