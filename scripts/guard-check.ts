// npm run guard-check [-- <name filter>...] [--changed-since <git rev>] [--jobs N] [--no-baseline] [--list] [--keep]
//
// --jobs N: N scratch copies, N breaks at a time (each vitest run has its own local cloud).
// --changed-since REV: only the breaks whose source file or test files differ from REV (what
// .ci/run uses with HEAD~1); nothing to do → exits 0. The nightly CI job runs every break.
// Proves that the rules guarding money, identity and data are guarded by tests: each break of
// scripts/guard-check/breaks.ts is applied, one at a time, to a scratch copy of the repository
// (tracked and new files, node_modules symlinked), its test files are run in workerd against a
// fresh local cloud, and the break must make at least one test fail on an assertion. A break whose
// tests still pass SURVIVED; a break whose search text is not found exactly once is NOT APPLICABLE
// (the check moved: update the table); a run in which no test failed but vitest did (a load error,
// a crash) is an ERROR. Any of the three fails the run. The unbroken copy runs first (baseline):
// if the tests fail without a break, every break would look caught.
//
// Why a script and not StrykerJS: see docs/guard-check.md.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { BREAKS, type Break } from "./guard-check/breaks.ts";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
const args = process.argv.slice(2);
const VALUED = ["--changed-since", "--jobs"];
const valueOf = (flag: string) => {
  const at = args.indexOf(flag);
  if (at >= 0 && (args[at + 1] === undefined || args[at + 1]!.startsWith("--")))
    throw new Error(`${flag} needs a value`);
  return at >= 0 ? args[at + 1] : undefined;
};
const since = valueOf("--changed-since");
const jobs = Number(valueOf("--jobs") ?? 1);
if (!Number.isInteger(jobs) || jobs < 1) throw new Error("--jobs must be a positive integer");
const filters = args.filter((a, i) => !a.startsWith("--") && !VALUED.includes(args[i - 1] ?? ""));
const changed = since === undefined ? undefined : changedFiles(since);
// A changed table or runner is checked in full.
const tableChanged =
  changed !== undefined && ["scripts/guard-check.ts", "scripts/guard-check/breaks.ts"].some((f) => changed.has(f));
const selected = BREAKS.filter(
  (b) =>
    (filters.length === 0 || filters.some((f) => b.name.includes(f))) &&
    (changed === undefined || tableChanged || [b.file, ...b.tests].some((f) => changed.has(f))),
);

function changedFiles(rev: string): Set<string> {
  const diff = spawnSync("git", ["diff", "--name-only", rev], { cwd: repo, encoding: "utf8" });
  if (diff.status !== 0) throw new Error(`git diff --name-only ${rev} failed: ${diff.stderr.trim()}`);
  return new Set(diff.stdout.split("\n").filter(Boolean));
}

type Failure = { test: string; message: string };
type RunResult = { exitCode: number; failures: Failure[]; loadErrors: string[]; passed: number; seconds: number };
type Verdict = "caught" | "SURVIVED" | "NOT APPLICABLE" | "ERROR";

if (args.includes("--list")) {
  for (const b of selected) console.log(`${b.name.padEnd(32)} ${b.file}\n${" ".repeat(33)}${b.rule}`);
  process.exit(0);
}
if (selected.length === 0 && changed !== undefined) {
  console.log(`guard-check: no guarded file or its tests changed since ${since}; nothing to do`);
  process.exit(0);
}
if (selected.length === 0) {
  console.error(`no break matches ${filters.join(", ")}; see --list`);
  process.exit(2);
}

/** The repository's tracked and new (not ignored) files copied to a temp dir, node_modules linked. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "guard-check-"));
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repo,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const from = join(repo, file);
    if (!existsSync(from)) continue; // deleted in the work tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(from, join(dir, file));
  }
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function countOccurrences(text: string, search: string): number {
  let n = 0;
  for (let i = text.indexOf(search); i !== -1; i = text.indexOf(search, i + search.length)) n++;
  return n;
}

type JsonReport = {
  testResults?: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults?: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
  }>;
};

/** Runs the test files in the workers project of the scratch copy; reads vitest's JSON report. */
async function runTests(dir: string, tests: string[], label: string): Promise<RunResult> {
  const report = join(dir, `.guard-check-${label}.json`);
  rmSync(report, { force: true });
  const started = Date.now();
  const vitest = join(dir, "node_modules", "vitest", "vitest.mjs");
  const run = await new Promise<{ status: number | null; output: string }>((done) => {
    const child = spawn(
      process.execPath,
      [
        vitest,
        "run",
        "--project",
        "workers",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${report}`,
        ...tests,
      ],
      {
        cwd: dir,
        env: { ...process.env, PWD: dir, FORCE_COLOR: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => void (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => void (output += chunk));
    child.on("close", (status) => done({ status, output }));
  });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(dir, `.guard-check-${label}.log`), run.output);
  const failures: Failure[] = [];
  const loadErrors: string[] = [];
  let passed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, "utf8")) as JsonReport;
    for (const file of json.testResults ?? []) {
      const assertions = file.assertionResults ?? [];
      if (file.status === "failed" && assertions.every((a) => a.status !== "failed")) {
        loadErrors.push(`${file.name.replace(`${dir}/`, "")}: ${(file.message ?? "failed").split("\n")[0]}`);
      }
      for (const a of assertions) {
        if (a.status === "passed") passed++;
        if (a.status === "failed")
          failures.push({ test: a.fullName, message: firstLine(a.failureMessages?.[0] ?? "") });
      }
    }
  } else {
    loadErrors.push(`vitest wrote no report (exit ${run.status}); see ${label}.log`);
  }
  return { exitCode: run.status ?? 1, failures, loadErrors, passed, seconds };
}

const firstLine = (s: string) =>
  s
    .split("\n")
    .find((l) => l.trim())
    ?.trim()
    .slice(0, 160) ?? "";

/** Why `b` cannot be applied to the file under `root`, or undefined. */
function notApplicable(root: string, b: Break): string | undefined {
  const path = join(root, b.file);
  if (!existsSync(path)) return `break not applicable: ${b.file} does not exist`;
  const n = countOccurrences(readFileSync(path, "utf8"), b.search);
  if (n === 1) return undefined;
  return `break not applicable: ${n === 0 ? "text not found" : `text found ${n} times`} in ${b.file}`;
}

async function check(dir: string, b: Break): Promise<{ verdict: Verdict; detail: string; seconds: number }> {
  const why = notApplicable(dir, b);
  if (why) return { verdict: "NOT APPLICABLE", detail: why, seconds: 0 };
  const path = join(dir, b.file);
  const original = readFileSync(path, "utf8");
  writeFileSync(
    path,
    original.replace(b.search, () => b.replace),
  );
  try {
    let r = await runTests(dir, b.tests, b.name);
    // No assertion failed but vitest did (a worker that never started under load, a crash): that is
    // no verdict, so it runs once more before it counts as an ERROR.
    if (r.failures.length === 0 && (r.exitCode !== 0 || r.loadErrors.length > 0))
      r = await runTests(dir, b.tests, `${b.name}-retry`);
    if (r.failures.length > 0) {
      const shown = r.failures.slice(0, 3).map((f) => `✗ ${f.test}\n      ${f.message}`);
      const more = r.failures.length > 3 ? [`(+${r.failures.length - 3} more)`] : [];
      return { verdict: "caught", detail: [...shown, ...more].join("\n    "), seconds: r.seconds };
    }
    if (r.exitCode !== 0 || r.loadErrors.length > 0) {
      const why = r.loadErrors.join("; ") || `exit ${r.exitCode}, ${r.passed} passed`;
      return {
        verdict: "ERROR",
        detail: `no test failed, yet vitest did (twice): ${why}; see .guard-check-${b.name}-retry.log`,
        seconds: r.seconds,
      };
    }
    return { verdict: "SURVIVED", detail: `all ${r.passed} tests passed with the rule removed`, seconds: r.seconds };
  } finally {
    writeFileSync(path, original);
  }
}

const startedAll = Date.now();
// Every break must still apply before anything slow runs: a moved check fails the run in seconds.
const inapplicable = selected.flatMap((b) => {
  const why = notApplicable(repo, b);
  return why ? [`FAIL ${b.name} (${b.rule}) — NOT APPLICABLE\n    ${why}`] : [];
});
if (inapplicable.length > 0) {
  console.log(inapplicable.join("\n"));
  console.log(
    `guard-check: ${inapplicable.length} break(s) no longer apply; update scripts/guard-check/breaks.ts with the code`,
  );
  process.exit(1);
}
const dirs = Array.from({ length: Math.min(jobs, selected.length) }, scratchCopy);
console.log(`guard-check: ${selected.length} breaks, ${dirs.length} at a time, scratch ${dirs.join(", ")}`);
let ok = true;
try {
  if (!args.includes("--no-baseline")) {
    const files = [...new Set(selected.flatMap((b) => b.tests))];
    const base = await runTests(dirs[0]!, files, "baseline");
    console.log(
      `baseline (no break): ${files.length} files, ${base.passed} passed, ${base.failures.length} failed, ${base.seconds.toFixed(0)} s`,
    );
    if (base.exitCode !== 0 || base.failures.length > 0 || base.loadErrors.length > 0) {
      for (const f of base.failures) console.log(`  ✗ ${f.test}: ${f.message}`);
      for (const e of base.loadErrors) console.log(`  ✗ ${e}`);
      console.log("guard-check: the tests fail without any break; fix them first");
      process.exitCode = 1;
      ok = false;
    }
  }
  if (ok) {
    const rows: Array<[string, Verdict, number]> = new Array(selected.length);
    let next = 0;
    await Promise.all(
      dirs.map(async (dir) => {
        for (let i = next++; i < selected.length; i = next++) {
          const b = selected[i]!;
          const r = await check(dir, b);
          rows[i] = [b.name, r.verdict, r.seconds];
          console.log(
            `${r.verdict === "caught" ? "ok  " : "FAIL"} ${b.name} (${b.rule}) — ${r.verdict}, ${r.seconds.toFixed(0)} s\n    ${r.detail}`,
          );
          if (r.verdict !== "caught") ok = false;
        }
      }),
    );
    console.log("\n| break | verdict | seconds |\n| --- | --- | --- |");
    for (const [name, verdict, s] of rows) console.log(`| ${name} | ${verdict} | ${s.toFixed(0)} |`);
    const caught = rows.filter((r) => r[1] === "caught").length;
    const total = rows.reduce((sum, r) => sum + r[2], 0);
    const wall = (Date.now() - startedAll) / 1000;
    console.log(
      `\nguard-check: ${caught}/${rows.length} breaks caught in ${wall.toFixed(0)} s (${total.toFixed(0)} s of break runs)`,
    );
    if (!ok) process.exitCode = 1;
  }
} finally {
  if (ok && !args.includes("--keep")) for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  else console.log(`scratch copies kept for inspection: ${dirs.join(", ")} (logs: .guard-check-<break>.log)`);
}
