// npm run guard-check [-- <name filter>...] [--changed-since <git rev>] [--no-baseline] [--list] [--keep]
//
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
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { BREAKS, type Break } from "./guard-check/breaks.ts";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
const args = process.argv.slice(2);
const sinceAt = args.indexOf("--changed-since");
const since = sinceAt >= 0 ? args[sinceAt + 1] : undefined;
if (sinceAt >= 0 && !since) throw new Error("--changed-since needs a git revision");
const filters = args.filter((a, i) => !a.startsWith("--") && (sinceAt < 0 || i !== sinceAt + 1));
const changed = since === undefined ? undefined : changedFiles(since);
// A changed table or runner is checked in full.
const tableChanged = changed !== undefined && ["scripts/guard-check.ts", "scripts/guard-check/breaks.ts"].some((f) => changed.has(f));
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
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repo, encoding: "utf8" });
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
function runTests(dir: string, tests: string[], label: string): RunResult {
  const report = join(dir, `.guard-check-${label}.json`);
  rmSync(report, { force: true });
  const started = Date.now();
  const vitest = join(dir, "node_modules", "vitest", "vitest.mjs");
  const run = spawnSync(
    process.execPath,
    [vitest, "run", "--project", "workers", "--reporter=json", `--outputFile=${report}`, ...tests],
    { cwd: dir, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" }, maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(dir, `.guard-check-${label}.log`), `${run.stdout}\n${run.stderr}`);
  const failures: Failure[] = [];
  const loadErrors: string[] = [];
  let passed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, "utf8")) as JsonReport;
    for (const file of json.testResults ?? []) {
      const assertions = file.assertionResults ?? [];
      if (file.status === "failed" && assertions.every((a) => a.status !== "failed")) {
        loadErrors.push(`${file.name.replace(dir + "/", "")}: ${(file.message ?? "failed").split("\n")[0]}`);
      }
      for (const a of assertions) {
        if (a.status === "passed") passed++;
        if (a.status === "failed") failures.push({ test: a.fullName, message: firstLine(a.failureMessages?.[0] ?? "") });
      }
    }
  } else {
    loadErrors.push(`vitest wrote no report (exit ${run.status}); see ${label}.log`);
  }
  return { exitCode: run.status ?? 1, failures, loadErrors, passed, seconds };
}

const firstLine = (s: string) => s.split("\n").find((l) => l.trim())?.trim().slice(0, 160) ?? "";

function check(dir: string, b: Break): { verdict: Verdict; detail: string; seconds: number } {
  const path = join(dir, b.file);
  if (!existsSync(path)) return { verdict: "NOT APPLICABLE", detail: `break not applicable: ${b.file} does not exist`, seconds: 0 };
  const original = readFileSync(path, "utf8");
  const n = countOccurrences(original, b.search);
  if (n !== 1) {
    const why = n === 0 ? "text not found" : `text found ${n} times`;
    return { verdict: "NOT APPLICABLE", detail: `break not applicable: ${why} in ${b.file}`, seconds: 0 };
  }
  writeFileSync(path, original.replace(b.search, () => b.replace));
  try {
    const r = runTests(dir, b.tests, b.name);
    if (r.failures.length > 0) {
      const shown = r.failures.slice(0, 3).map((f) => `✗ ${f.test}\n      ${f.message}`);
      const more = r.failures.length > 3 ? [`(+${r.failures.length - 3} more)`] : [];
      return { verdict: "caught", detail: [...shown, ...more].join("\n    "), seconds: r.seconds };
    }
    if (r.exitCode !== 0 || r.loadErrors.length > 0) {
      return { verdict: "ERROR", detail: `no test failed, yet vitest did: ${r.loadErrors.join("; ")}`, seconds: r.seconds };
    }
    return { verdict: "SURVIVED", detail: `all ${r.passed} tests passed with the rule removed`, seconds: r.seconds };
  } finally {
    writeFileSync(path, original);
  }
}

const startedAll = Date.now();
const dir = scratchCopy();
console.log(`guard-check: ${selected.length} breaks, scratch copy ${dir}`);
let ok = true;
try {
  if (!args.includes("--no-baseline")) {
    const files = [...new Set(selected.flatMap((b) => b.tests))];
    const base = runTests(dir, files, "baseline");
    console.log(`baseline (no break): ${files.length} files, ${base.passed} passed, ${base.failures.length} failed, ${base.seconds.toFixed(0)} s`);
    if (base.exitCode !== 0 || base.failures.length > 0 || base.loadErrors.length > 0) {
      for (const f of base.failures) console.log(`  ✗ ${f.test}: ${f.message}`);
      for (const e of base.loadErrors) console.log(`  ✗ ${e}`);
      console.log("guard-check: the tests fail without any break; fix them first");
      process.exitCode = 1;
      ok = false;
    }
  }
  if (ok) {
    const rows: Array<[string, Verdict, number]> = [];
    for (const b of selected) {
      const r = check(dir, b);
      rows.push([b.name, r.verdict, r.seconds]);
      console.log(`${r.verdict === "caught" ? "ok  " : "FAIL"} ${b.name} (${b.rule}) — ${r.verdict}, ${r.seconds.toFixed(0)} s\n    ${r.detail}`);
      if (r.verdict !== "caught") ok = false;
    }
    console.log("\n| break | verdict | seconds |\n| --- | --- | --- |");
    for (const [name, verdict, s] of rows) console.log(`| ${name} | ${verdict} | ${s.toFixed(0)} |`);
    const caught = rows.filter((r) => r[1] === "caught").length;
    console.log(`\nguard-check: ${caught}/${rows.length} breaks caught in ${((Date.now() - startedAll) / 1000).toFixed(0)} s`);
    if (!ok) process.exitCode = 1;
  }
} finally {
  if (ok && !args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`scratch copy kept for inspection: ${dir} (logs: .guard-check-<break>.log)`);
}
