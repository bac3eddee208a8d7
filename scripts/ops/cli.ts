/**
 * `npm run ops -- <command>`: the control plane's CLI over infra/manifest.yml.
 * Every command takes --json; exit codes: 0 ok, 1 a check failed, 2 usage, 3 unreachable.
 */
import { Command, CommanderError, Option } from "commander";
import { envOf, list, open, repo } from "./catalog.ts";
import { checkConsistency } from "./consistency.ts";
import { deploy, rollback } from "./deploy.ts";
import { docs } from "./docs.ts";
import { envCheck } from "./env-check.ts";
import { health, status } from "./live.ts";
import { loadManifest, ManifestError } from "./manifest.ts";
import { colorsFor, EXIT, emit, type Outcome, UsageError } from "./output.ts";
import { newService } from "./scaffold.ts";

type Common = { json?: boolean };
let jsonMode = process.argv.includes("--json");

const program = new Command()
  .name("ops")
  .description("The BlackRoad control plane: the manifest, the live deployment, docs and deploys.")
  .showSuggestionAfterError()
  .exitOverride()
  // Commander's own error lines are printed by fail() below, once, with the valid names.
  .configureOutput({ outputError: () => {} });

const json = () => new Option("--json", "machine-readable output");
const timeout = () => new Option("--timeout <ms>", "deadline per request").default("5000");
const urlOpt = () =>
  new Option("--url <base>", "call this base URL instead of the environment's (e.g. a local run on another port)");

/** Runs a command's body: loads the manifest, prints the outcome, sets the exit code. */
function action<A extends unknown[]>(
  body: (m: ReturnType<typeof loadManifest>, ...args: A) => Outcome | Promise<Outcome>,
) {
  return async (...args: A) => {
    const opts = args.at(-2) as Common;
    jsonMode = Boolean(opts?.json);
    const outcome = await body(loadManifest(), ...args);
    emit(outcome, jsonMode);
    process.exitCode = outcome.exitCode;
  };
}

program
  .command("list")
  .description("services grouped by status, with kind, provider and environment URLs")
  .addOption(json())
  .action(action((m) => list(m)));

program
  .command("env")
  .description("a service's variables by importance; --check: which are missing in an environment")
  .argument("<service>")
  .option("--env <environment>", "development, staging or production")
  .option("--check", "compare with `wrangler secret list` (cloud) or the local .dev.vars (development)")
  .option("--vars-file <path>", "with --check on development: this file instead of .dev.vars")
  .addOption(json())
  .action(
    action((m, service: string, o: Common & { env?: string; check?: boolean; varsFile?: string }) =>
      o.check ? envCheck(m, service, o.env, { varsFile: o.varsFile }) : envOf(m, service, o.env),
    ),
  );

program
  .command("repo")
  .description("a service's repository and branch")
  .argument("<service>")
  .addOption(json())
  .action(action((m, service: string) => repo(m, service)));

program
  .command("open")
  .description("the URL of a service in an environment (default production)")
  .argument("<service>")
  .argument("[environment]")
  .addOption(json())
  .action(action((m, service: string, env: string | undefined) => open(m, service, env)));

program
  .command("status")
  .description("live: /api/health/summary and /api/system/version of an environment (default production)")
  .argument("[environment]")
  .addOption(urlOpt())
  .addOption(timeout())
  .addOption(json())
  .action(
    action((m, env: string | undefined, o: Common & { url?: string; timeout: string }) =>
      status(m, env, { url: o.url, timeoutMs: positive(o.timeout) }),
    ),
  );

program
  .command("health")
  .description("live: every health entrypoint of a service in an environment (default production)")
  .argument("<service>")
  .argument("[environment]")
  .addOption(urlOpt())
  .addOption(timeout())
  .addOption(json())
  .action(
    action((m, service: string, env: string | undefined, o: Common & { url?: string; timeout: string }) =>
      health(m, service, env, { url: o.url, timeoutMs: positive(o.timeout) }),
    ),
  );

program
  .command("check")
  .description(
    "does the manifest agree with wrangler.toml, .dev.vars.example, src/config.ts, docs/configuration.md and the workflows?",
  )
  .addOption(json())
  .action(
    action((m) => {
      const problems = checkConsistency(m);
      return {
        exitCode: problems.length ? EXIT.failed : EXIT.ok,
        json: { ok: problems.length === 0, problems },
        text: (c) =>
          problems.length
            ? problems.map((p) => `${c.red(p.where)}: ${p.message}`)
            : [c.green("the manifest agrees with every other place that names a variable")],
      };
    }),
  );

program
  .command("docs")
  .description(
    "regenerate infra/README.md, infra/services/*.md and the configuration table (docs/configuration.md) from the manifest",
  )
  .option("--check", "only report stale files (exit 1), write nothing")
  .addOption(json())
  .action(action((m, o: Common & { check?: boolean }) => docs(m, { check: Boolean(o.check) })));

program
  .command("new")
  .description(
    "a new service from infra/templates/worker (wrangler.toml, health contract, workflows, .dev.vars.example) and its manifest entry",
  )
  .argument("<service>", "kebab-case name")
  .option("--dir <path>", "where to write it (default ./<service>)")
  .option("--title <title>", "human name")
  .option("--target <when>", "target date for the manifest entry, e.g. 2027-Q1")
  .addOption(json())
  .action(
    action((_m, service: string, o: Common & { dir?: string; title?: string; target?: string }) =>
      newService(service, o),
    ),
  );

for (const [name, fn, what] of [
  [
    "deploy",
    deploy,
    "the deploy workflow's steps by hand: migrations, secrets check, wrangler deploy, smoke check, rollback on failure",
  ],
  ["rollback", rollback, "roll the environment's Worker back to its previous version, then smoke-check it"],
] as const) {
  program
    .command(name)
    .description(what)
    .argument("<environment>")
    .option("--dry-run", "print the steps (and build the bundle) without changing anything")
    .option("--yes", "do not ask before changing production")
    .addOption(urlOpt())
    .addOption(timeout())
    .addOption(json())
    .action(
      action((m, env: string, o: Common & { dryRun?: boolean; yes?: boolean; url?: string; timeout: string }) =>
        fn(m, env, {
          dryRun: Boolean(o.dryRun),
          yes: Boolean(o.yes),
          url: o.url,
          timeoutMs: positive(o.timeout),
          json: Boolean(o.json),
        }),
      ),
    );
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--timeout must be a positive number of milliseconds, not "${v}"`);
  return n;
}

function fail(message: string, code: number, extra: Record<string, unknown> = {}) {
  if (jsonMode) process.stdout.write(`${JSON.stringify({ error: message, ...extra }, null, 2)}\n`);
  const c = colorsFor(false, process.stderr);
  process.stderr.write(`${c.red("error:")} ${message}\n`);
  process.exitCode = code;
}

const commands = program.commands.map((c) => c.name());
try {
  if (process.argv.length <= 2) program.help();
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version")
      process.exitCode = EXIT.ok;
    else if (err.code === "commander.unknownCommand")
      fail(
        `${err.message.replace(/^error: /, "").replace(/\n\(Did you mean (\S+)\?\)/, " — did you mean $1?")} (valid: ${commands.join(", ")})`,
        EXIT.usage,
        { valid: commands },
      );
    else fail(err.message.replace(/^error: /, ""), EXIT.usage);
  } else if (err instanceof UsageError) fail(err.message, EXIT.usage, { valid: err.valid });
  else if (err instanceof ManifestError) fail(err.message, EXIT.failed, { problems: err.problems });
  else fail((err as Error).stack ?? String(err), EXIT.failed);
}
