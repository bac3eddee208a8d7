/**
 * The benchmark at two (or more) data sizes, side by side (issue 22, "cost flat as data grows").
 *
 *   node bench/scales.ts                      runs `bench/run.ts` at BENCH_SCALES (default "1,10"),
 *                                             one after another, then compares them
 *   node bench/scales.ts a.json b.json …      compares results of earlier runs (bench-results/*.json)
 *
 * Every other knob (BENCH_ONLY, BENCH_SECONDS, BENCH_DATABASE_URL, …) passes through to each run. A
 * scale listed twice (e.g. BENCH_SCALES=1,10,10,1, which also spreads the machine's drift over both
 * sides) is summarised by its median. Writes bench-results/scales-<time>.md and scales-latest.md.
 *
 * Goal per row: p50 at the large scale within 1.2× of the small scale's, and the same SQL statements
 * per request. On this shared machine the floors drift too, so the table also gives the ratio of the
 * two runs' "p50 vs floor" (each against its own floor measured right before it).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Row } from "./report.ts";

type Summary = {
  started: string;
  machine: { loadAtStart: number[]; loadAtEnd: number[] };
  backends: { postgres: string; redis: string };
  seed: { scale?: number; tables?: Record<string, number>; tip: { height: number } };
  rows: Row[];
};

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "bench-results");
const GOAL = 1.2;

const files = process.argv.slice(2);
const runs: Summary[] = [];
if (files.length > 0) {
  for (const f of files) runs.push(JSON.parse(readFileSync(f, "utf8")) as Summary);
} else {
  const scales = (process.env.BENCH_SCALES ?? "1,10").split(",").map((s) => Number(s.trim()));
  for (const scale of scales) {
    console.log(`[scales] BENCH_SCALE=${scale}`);
    const r = spawnSync(process.execPath, [join(ROOT, "bench/run.ts")], {
      stdio: "inherit",
      env: { ...process.env, BENCH_SCALE: String(scale) },
    });
    if (r.status !== 0) throw new Error(`bench/run.ts at BENCH_SCALE=${scale} exited ${r.status}`);
    runs.push(JSON.parse(readFileSync(join(OUT, `latest-x${scale}.json`), "utf8")) as Summary);
  }
}

const byScale = new Map<number, Summary[]>();
for (const run of runs) {
  const scale = run.seed.scale ?? 1;
  byScale.set(scale, [...(byScale.get(scale) ?? []), run]);
}
const scales = [...byScale.keys()].sort((a, b) => a - b);
if (scales.length < 2) throw new Error(`need runs at two scales, got ${scales.join(", ") || "none"}`);
const [small, large] = [scales[0]!, scales.at(-1)!];

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
type Agg = { rps: number; p50: number; vsFloor: number; sql: number; redis: number; cpu: number; runs: number };
function aggregate(scale: number): Map<string, Agg> {
  const rowsByName = new Map<string, Row[]>();
  for (const run of byScale.get(scale)!)
    for (const r of run.rows.filter((x) => x.group !== "floor"))
      rowsByName.set(r.name, [...(rowsByName.get(r.name) ?? []), r]);
  return new Map(
    [...rowsByName].map(([name, rs]) => [
      name,
      {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        vsFloor: median(rs.map((r) => (r.floorP50 ? r.p50 / r.floorP50 : NaN))),
        sql: median(rs.map((r) => r.sqlPerReq)),
        redis: median(rs.map((r) => r.redisPerReq)),
        cpu: median(rs.map((r) => r.cpuMsPerReq.workerd ?? NaN)),
        runs: rs.length,
      },
    ]),
  );
}
const a = aggregate(small);
const b = aggregate(large);

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "—");
const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—");
/** A read of data (list or detail): what the goal is about. Writes, CPU-bound and no-data rows are listed too. */
const isDataRead = (name: string) =>
  (/^GET \/api\/(?!system\/version|blockchain\/verify)/.test(name) || name.startsWith("POST /api/graphql")) &&
  !name.includes("(MISS)");

const lines = [
  `| Endpoint | x${small} req/s | x${small} p50 ms | x${large} req/s | x${large} p50 ms | p50 x${large}/x${small} | p50 vs floor x${small} → x${large} | (ratio) | SQL/req x${small} → x${large} | workerd CPU ms/req x${small} → x${large} | goal (≤ ${GOAL}×, same SQL) |`,
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
];
const verdicts: string[] = [];
for (const [name, x] of a) {
  const y = b.get(name);
  if (!y) continue;
  const ratio = y.p50 / x.p50;
  const floorRatio = y.vsFloor / x.vsFloor;
  const sameSql = Math.abs(y.sql - x.sql) <= 0.05 + 0.02 * x.sql;
  let verdict = "—";
  if (isDataRead(name)) {
    const flat = ratio <= GOAL || floorRatio <= GOAL;
    verdict =
      flat && sameSql
        ? ratio <= GOAL
          ? "met"
          : "met against its floor"
        : `**not met**${sameSql ? "" : " (statements)"}`;
    verdicts.push(`${name}: ${verdict}`);
  }
  lines.push(
    `| ${name} | ${int(x.rps)} | ${f(x.p50)} | ${int(y.rps)} | ${f(y.p50)} | ${f(ratio)}× | ${f(x.vsFloor)}× → ${f(y.vsFloor)}× | ${f(floorRatio)}× | ${f(x.sql)} → ${f(y.sql)} | ${f(x.cpu)} → ${f(y.cpu)} | ${verdict} |`,
  );
}

const describe = (scale: number) => {
  const rs = byScale.get(scale)!;
  const t = rs[0]!.seed.tables ?? {};
  const sizes = ["users", "blocks", "transactions", "emails", "posts", "post_comments"]
    .filter((k) => t[k] !== undefined)
    .map((k) => `${t[k]!.toLocaleString("en-US")} ${k}`)
    .join(", ");
  return `x${scale}: ${rs.length} run(s) (${rs.map((r) => `${r.started}, load ${r.machine.loadAtStart[0]} → ${r.machine.loadAtEnd[0]}`).join("; ")}); chain height ${rs[0]!.seed.tip.height}${sizes ? `; ${sizes}` : ""}`;
};
const md = [
  `# Benchmark at two data sizes`,
  "",
  ...scales.filter((s) => s === small || s === large).map((s) => `- ${describe(s)}`),
  `- Backends: PostgreSQL = ${runs[0]!.backends.postgres}; Redis = ${runs[0]!.backends.redis}`,
  "",
  ...lines,
  "",
].join("\n");
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
writeFileSync(join(OUT, `scales-${stamp}.md`), md);
writeFileSync(join(OUT, "scales-latest.md"), md);
console.log(md);
console.log(`[scales] bench-results/scales-${stamp}.md (and scales-latest.md)`);
