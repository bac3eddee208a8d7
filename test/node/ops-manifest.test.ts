/**
 * infra/manifest.yml is valid, agrees with every other place that names a variable, and the docs
 * generated from it are not stale. Each "one place only" case copies the files into a temp dir,
 * changes one, and checks that the problem names the file and what to add.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { checkConsistency, type Problem } from "../../scripts/ops/consistency.ts";
import { docs } from "../../scripts/ops/docs.ts";
import {
  loadManifest,
  type Manifest,
  ManifestError,
  manifestPath,
  repoRoot,
  validateManifest,
} from "../../scripts/ops/manifest.ts";

const describeProblems = (ps: Problem[]) => ps.map((p) => `${p.where}: ${p.message}`).join("\n");
const rawManifest = () => parseYaml(readFileSync(manifestPath, "utf8")) as Record<string, any>;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** The files the checks read, copied so one can be changed. */
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "ops-manifest-"));
  dirs.push(dir);
  for (const f of ["wrangler.toml", ".dev.vars.example", "docs", ".github", "infra", "src/services/miner/settings.ts"])
    cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
  return dir;
}
const edit = (dir: string, file: string, change: (s: string) => string) =>
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), "utf8")));

describe("the manifest", () => {
  it("validates against its schema", () => {
    const m = loadManifest();
    expect(Object.keys(m.environments)).toEqual(expect.arrayContaining(["development", "staging", "production"]));
    expect(m.services["edge-api"]!.env.length).toBeGreaterThan(20);
  });

  it("names the path of what is wrong", () => {
    const raw = rawManifest();
    const env = raw.services["edge-api"].env as Array<Record<string, unknown>>;
    const i = env.findIndex((v) => v.name === "SECRET_KEY");
    env[i]!.kind = "secrett";
    delete env[i]!.generate;
    raw.services.agents.target = undefined;
    let error: ManifestError | undefined;
    try {
      validateManifest(raw);
    } catch (err) {
      error = err as ManifestError;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^services\\.edge-api\\.env\\[${i}\\] \\(SECRET_KEY\\)\\.kind: `)),
        expect.stringMatching(/^services\.agents\.target: a planned service needs a target/),
      ]),
    );
  });

  it("checks references between services once the structure is valid", () => {
    const raw = rawManifest();
    raw.services.redis.depends_on = ["nowhere"];
    expect(() => validateManifest(raw)).toThrow(
      /services\.redis\.depends_on\[0\]: unknown service "nowhere" \(services: edge-api, postgres/,
    );
  });

  it("refuses a secret with a default", () => {
    const raw = rawManifest();
    const env = raw.services["edge-api"].env as Array<Record<string, unknown>>;
    env.find((v) => v.name === "SECRET_KEY")!.default = "not-so-secret";
    expect(() => validateManifest(raw)).toThrow(/SECRET_KEY\)\.default: a secret has no default/);
  });
});

describe("the manifest agrees with wrangler.toml, .dev.vars.example, src/config.ts, the README and the workflows", () => {
  it("as the repository stands", () => {
    expect(describeProblems(checkConsistency(loadManifest()))).toBe("");
  });

  it("a variable added only to wrangler.toml [vars] fails, saying what to add to the manifest", () => {
    const dir = copyOfRepo();
    edit(dir, "wrangler.toml", (s) => s.replace("[vars]\n", '[vars]\nNEW_KNOB = "on"\n'));
    const problems = describeProblems(checkConsistency(loadManifest(), dir));
    expect(problems).toContain(
      "wrangler.toml: [vars] sets NEW_KNOB, which the manifest does not name — add to infra/manifest.yml services.edge-api.env: { name: NEW_KNOB, kind: var",
    );
    expect(problems).toContain('default: "on"');
  });

  it("a variable added only to the manifest fails for every other place", () => {
    const m = loadManifest();
    m.services["edge-api"]!.env.push({
      name: "NEW_KNOB",
      kind: "var",
      importance: "optional",
      description: "d",
      default: "on",
      example: "on",
    });
    const problems = describeProblems(checkConsistency(m));
    expect(problems).toContain(
      'wrangler.toml: [vars] lacks NEW_KNOB (the manifest says it is set in [vars], and [env.*] sections do not inherit [vars]) — add NEW_KNOB = "on"',
    );
    expect(problems).toContain(".dev.vars.example: lacks NEW_KNOB — add a comment line and NEW_KNOB=on");
    expect(problems).toContain("src/config.ts: configSchema lacks NEW_KNOB");
    expect(problems).toContain(
      "docs/configuration.md: the configuration table lacks NEW_KNOB — run `npm run ops -- docs`",
    );
  });

  it("a variable only config.ts parses fails, naming it", () => {
    const m = loadManifest();
    m.services["edge-api"]!.env = m.services["edge-api"]!.env.filter((v) => v.name !== "BCRYPT_ROUNDS");
    const problems = describeProblems(checkConsistency(m));
    expect(problems).toContain(
      'src/config.ts: parses BCRYPT_ROUNDS, which the manifest does not name — add to infra/manifest.yml services.edge-api.env: { name: BCRYPT_ROUNDS, kind: var|secret, importance: required|important|optional, description, default: "12"',
    );
    expect(problems).toContain("wrangler.toml: [vars] sets BCRYPT_ROUNDS, which the manifest does not name");
    expect(problems).toContain(".dev.vars.example: names BCRYPT_ROUNDS, which the manifest does not");
    expect(problems).toContain(
      "docs/configuration.md: the configuration table names BCRYPT_ROUNDS, which the manifest does not",
    );
  });

  it("a different default, importance or kind fails", () => {
    const m: Manifest = loadManifest();
    const find = (n: string) => m.services["edge-api"]!.env.find((v) => v.name === n)!;
    find("BCRYPT_ROUNDS").default = "10";
    find("SECRET_KEY").importance = "optional";
    find("DEBUG").kind = "secret";
    const problems = describeProblems(checkConsistency(m));
    expect(problems).toContain('BCRYPT_ROUNDS.default is "10" but src/config.ts uses "12" when it is unset');
    expect(problems).toContain(
      "SECRET_KEY.importance is optional but src/config.ts refuses to start without it — make it required",
    );
    expect(problems).toContain(
      "[vars] sets DEBUG, a secret — remove it from wrangler.toml and set it with `wrangler secret put DEBUG`",
    );
    expect(problems).toContain(
      'the configuration table says DEBUG is var with default "false"; the manifest says secret',
    );
  });

  it("a README row edited by hand to a different default fails", () => {
    const dir = copyOfRepo();
    edit(dir, "docs/configuration.md", (s) =>
      s.replace("| `BCRYPT_ROUNDS` | var | `12` |", "| `BCRYPT_ROUNDS` | var | `10` |"),
    );
    expect(describeProblems(checkConsistency(loadManifest(), dir))).toContain(
      'the configuration table says BCRYPT_ROUNDS is var with default "10"; the manifest says var with default "12"',
    );
  });

  it("a new [env.*] section, binding or workflow secret fails until the manifest names it", () => {
    const dir = copyOfRepo();
    edit(
      dir,
      "wrangler.toml",
      (s) =>
        s +
        '\n[[r2_buckets]]\nbinding = "UPLOADS"\nbucket_name = "blackroad-uploads"\n\n[env.qa]\n[env.qa.vars]\nENVIRONMENT = "production"\n',
    );
    edit(dir, ".github/workflows/deploy.yml", (s) =>
      s
        .replace("${{ secrets.SECRET_KEY }}", "${{ secrets.SECRET_KEY }}${{ secrets.NEW_TOKEN }}")
        .replace(/^on:\n/m, "on:\n  release:\n"),
    );
    const problems = describeProblems(checkConsistency(loadManifest(), dir));
    expect(problems).toContain(
      "[[r2_buckets]] has [FILES, UPLOADS] but infra/manifest.yml services.edge-api.deployment.r2_buckets says [FILES]",
    );
    expect(problems).toContain(
      "wrangler.toml has [env.qa] — add environments.qa: { kind: cloudflare, wrangler_env: qa, url, description }",
    );
    expect(problems).toContain("[env.qa.vars] lacks DEBUG");
    expect(problems).toContain(
      ".github/workflows/deploy.yml reads secrets.NEW_TOKEN — add { name: NEW_TOKEN, description } to its ci_cd.workflows entry",
    );
    expect(problems).toMatch(
      /\.github\/workflows\/deploy\.yml runs on \[[a-z_, ]*release[a-z_, ]*\] — set its ci_cd\.workflows triggers to that/,
    );
  });
});

describe("generated docs", () => {
  it("are up to date (run `npm run ops -- docs` when this fails)", () => {
    const out = docs(loadManifest(), { check: true });
    expect(out.json).toMatchObject({ ok: true, stale: [], problems: [] });
  });

  it("go stale when the manifest changes", () => {
    const dir = copyOfRepo();
    const m = loadManifest();
    m.services.redis!.description = "Changed.";
    m.services["edge-api"]!.env.find((v) => v.name === "DEBUG")!.description = "Changed too.";
    const out = docs(m, { check: true }, dir);
    expect(out.exitCode).toBe(1);
    expect(out.json).toMatchObject({
      stale: ["docs/configuration.md", "infra/services/edge-api.md", "infra/services/redis.md"],
    });
    // Writing them makes them current again, and keeps what people wrote below the generated part.
    edit(dir, "infra/services/redis.md", (s) => `${s}\nA note by hand.\n`);
    expect(docs(m, { check: false }, dir).exitCode).toBe(0);
    expect(docs(m, { check: true }, dir).exitCode).toBe(0);
    expect(readFileSync(join(dir, "infra/services/redis.md"), "utf8")).toMatch(/Changed\.[\s\S]*A note by hand\./);
  });
});
