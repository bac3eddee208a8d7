/**
 * The control plane's manifest (infra/manifest.yml): its zod schema and loader.
 * Errors name the path in the file (`services.edge-api.env[3] (SECRET_KEY).kind: ...`), so a typo is
 * found without reading the schema.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const repoRoot = join(import.meta.dirname, "../..");
export const manifestPath = join(repoRoot, "infra/manifest.yml");

const text = z.string().min(1);

export const ENV_KINDS = ["secret", "var", "local"] as const;
export const IMPORTANCES = ["required", "important", "optional"] as const;
/** Where a variable's production value comes from. */
export const SET_IN = ["vars", "secrets", "deploy", "default", "dev-vars"] as const;

const envVarSchema = z
  .object({
    name: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be UPPER_SNAKE_CASE"),
    kind: z.enum(ENV_KINDS),
    importance: z.enum(IMPORTANCES),
    description: text,
    /** What the code uses when the variable is unset (null: nothing). */
    default: z.string().nullable(),
    example: text,
    /** How to obtain or generate a value (required for secrets). */
    generate: text.optional(),
    /** vars: wrangler.toml [vars]; secrets: wrangler secret put; deploy: --var at deploy; default: unset unless an operator sets it; dev-vars: local only. */
    set_in: z.enum(SET_IN).optional(),
    /** The module that parses it, when that is not src/config.ts. */
    parsed_by: text.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === "secret" && v.default !== null)
      ctx.addIssue({ code: "custom", path: ["default"], message: "a secret has no default (use null)" });
    if (v.kind === "secret" && !v.generate)
      ctx.addIssue({ code: "custom", path: ["generate"], message: "a secret needs `generate`: how to obtain it" });
    if (v.importance === "required" && v.default !== null)
      ctx.addIssue({ code: "custom", path: ["default"], message: "a required variable has no default" });
  });

const healthSchema = z
  .object({
    path: z.string().startsWith("/"),
    method: z.enum(["GET", "HEAD"]).default("GET"),
    description: text,
    /** The key of `checks` in /api/health/summary that reports this service. */
    check: text.optional(),
    /** The `status` the body must report (e.g. healthy). */
    expect: text.optional(),
  })
  .strict();

const serviceSchema = z
  .object({
    title: text,
    status: z.enum(["active", "development", "planned"]),
    phase: z.number().int().min(1),
    kind: z.enum(["backend", "database", "cache", "docs", "api-gateway", "worker", "frontend"]),
    provider: text,
    target: text.optional(),
    language: text.optional(),
    framework: text.optional(),
    runtime: text.optional(),
    repo: text.optional(),
    branch: text.optional(),
    description: text,
    deployment: z
      .object({
        config: text.optional(),
        main: text.optional(),
        assets: text.optional(),
        durable_objects: z.array(text).optional(),
        cron_triggers: z.array(text).optional(),
        r2_buckets: z.array(text).optional(),
        workflows: z.array(text).optional(),
        migrations: text.optional(),
      })
      .strict()
      .optional(),
    routes: z.array(z.object({ path: text, serves: text }).strict()).optional(),
    depends_on: z.array(text).default([]),
    used_by: z.array(text).default([]),
    /** Variables of another service (the one that connects to this one) that configure it. */
    configured_by: z.array(text).default([]),
    health: z.array(healthSchema),
    limits: z.array(text).default([]),
    env: z.array(envVarSchema),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.status !== "active" && !s.target)
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: `a ${s.status} service needs a target (e.g. 2027-Q1)`,
      });
    if (s.status === "active" && s.health.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["health"],
        message: "an active service needs at least one health entrypoint",
      });
    const seen = new Set<string>();
    s.env.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: "custom", path: ["env", i, "name"], message: `${v.name} is listed twice` });
      seen.add(v.name);
    });
  });

const environmentSchema = z
  .object({
    description: text,
    kind: z.enum(["local", "cloudflare"]),
    status: z.enum(["active", "planned"]).default("active"),
    /** The [env.<name>] section of wrangler.toml; absent: the top level. */
    wrangler_env: text.optional(),
    url: z.url(),
    vars_file: text.optional(),
  })
  .strict();

const workflowSchema = z
  .object({
    file: text,
    name: text,
    /** The events of the workflow's `on:` (pull_request, push, schedule, workflow_run, workflow_dispatch…). */
    triggers: z.array(z.string().regex(/^[a-z_]+$/, "a GitHub event name, e.g. push")).min(1),
    when: text,
    runs: text,
    secrets: z.array(
      z.object({ name: z.string().regex(/^[A-Z][A-Z0-9_]*$/), description: text, generate: text.optional() }).strict(),
    ),
  })
  .strict();

export const manifestSchema = z
  .object({
    version: z.literal(1),
    workspace: text,
    control_plane: z.object({ repo: text, branch: text, path: text }).strict(),
    deployment_state: z.object({ phase: z.number().int(), strategy: text, target_phase: z.number().int() }).strict(),
    environments: z.record(z.string(), environmentSchema).refine((e) => "development" in e && "production" in e, {
      message: "development and production environments are required",
    }),
    services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, "service names are kebab-case"), serviceSchema),
    ci_cd: z.object({ workflows: z.array(workflowSchema) }).strict(),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const [name, s] of Object.entries(m.services)) {
      for (const [field, refs] of [
        ["depends_on", s.depends_on],
        ["used_by", s.used_by],
      ] as const) {
        refs.forEach((ref, i) => {
          if (!(ref in m.services))
            ctx.addIssue({
              code: "custom",
              path: ["services", name, field, i],
              message: `unknown service "${ref}" (services: ${Object.keys(m.services).join(", ")})`,
            });
        });
      }
      const allVars = Object.values(m.services).flatMap((x) => x.env.map((v) => v.name));
      s.configured_by.forEach((v, i) => {
        if (!allVars.includes(v))
          ctx.addIssue({
            code: "custom",
            path: ["services", name, "configured_by", i],
            message: `no service has a variable ${v}`,
          });
      });
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type Service = Manifest["services"][string];
export type EnvVar = Service["env"][number];
export type HealthEntrypoint = Service["health"][number];
export type Environment = Manifest["environments"][string];

export class ManifestError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.file = file;
    this.problems = problems;
  }
}

/** `services.edge-api.env[3] (SECRET_KEY).kind`: indices in brackets, and the name of a named list entry. */
function formatPath(path: ReadonlyArray<PropertyKey>, raw: unknown): string {
  let out = "";
  let node: unknown = raw;
  for (const key of path) {
    node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === "number") {
      const name = node && typeof node === "object" && "name" in node ? (node as { name: unknown }).name : undefined;
      out += `[${key}]${typeof name === "string" ? ` (${name})` : ""}`;
    } else out += (out ? "." : "") + String(key);
  }
  return out || "(top level)";
}

/** Validates an already-parsed manifest object. */
export function validateManifest(raw: unknown, file = "infra/manifest.yml"): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new ManifestError(
      file,
      parsed.error.issues.map((i) => `${formatPath(i.path, raw)}: ${i.message}`),
    );
  return parsed.data;
}

export function parseManifest(source: string, file = "infra/manifest.yml"): Manifest {
  let raw: unknown;
  try {
    raw = parseYaml(source, { prettyErrors: true });
  } catch (err) {
    throw new ManifestError(file, [(err as Error).message]);
  }
  return validateManifest(raw, file);
}

export function loadManifest(path = manifestPath): Manifest {
  return parseManifest(readFileSync(path, "utf8"), path.startsWith(repoRoot) ? path.slice(repoRoot.length + 1) : path);
}

/** Where a variable's production value comes from, with the kind's natural default. */
export function setIn(v: EnvVar): (typeof SET_IN)[number] {
  return v.set_in ?? (v.kind === "secret" ? "secrets" : v.kind === "local" ? "dev-vars" : "vars");
}
