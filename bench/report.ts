/** Tables of a benchmark run: the console and README markdown, from the JSON result. */
import type { LoadResult } from "./load.ts";

export type Row = LoadResult & {
  group: "floor" | "api" | "no-limiter" | "metrics" | "unique-clients";
  /** The floor it is compared with (a floor's name), or null for CPU-bound routes. */
  floor: string | null;
  /** Measured floor numbers, copied for the table. */
  floorRps?: number;
  floorP50?: number;
  note?: string;
};

const f = (x: number | undefined, digits = 1) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(digits));
const int = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "—" : Math.round(x).toLocaleString("en-US");

export function ratios(row: Row): { rpsShare: number | undefined; p50Times: number | undefined } {
  if (!row.floor || !row.floorRps || !row.floorP50) return { rpsShare: undefined, p50Times: undefined };
  return { rpsShare: (row.rps / row.floorRps) * 100, p50Times: row.p50 / row.floorP50 };
}

export function markdownTable(rows: Row[]): string {
  const head = [
    "| Endpoint | conns | req/s | p50 ms | p99 ms | errors | floor | floor req/s | floor p50 | req/s vs floor | p50 vs floor | SQL/req | Redis/req | workerd CPU ms/req |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const lines = rows.map((r) => {
    const { rpsShare, p50Times } = ratios(r);
    return `| ${r.name}${r.note ? ` (${r.note})` : ""} | ${r.connections} | ${int(r.rps)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.errors} | ${r.floor ?? "—"} | ${int(r.floorRps)} | ${f(r.floorP50, 2)} | ${rpsShare === undefined ? "—" : `${f(rpsShare, 0)}%`} | ${p50Times === undefined ? "—" : `${f(p50Times, 2)}×`} | ${f(r.sqlPerReq, 2)} | ${f(r.redisPerReq, 2)} | ${f(r.cpuMsPerReq.workerd, 2)} |`;
  });
  return [...head, ...lines].join("\n");
}

export function consoleTable(rows: Row[]): string {
  const cols = ["endpoint", "c", "req/s", "p50", "p99", "err", "floor", "vs floor (rps, p50)", "SQL", "Redis", "cpu"];
  const data = rows.map((r) => {
    const { rpsShare, p50Times } = ratios(r);
    return [
      r.name,
      String(r.connections),
      int(r.rps),
      f(r.p50, 2),
      f(r.p99, 2),
      String(r.errors),
      r.floor ?? "—",
      rpsShare === undefined ? "—" : `${f(rpsShare, 0)}%, ${f(p50Times, 2)}×`,
      f(r.sqlPerReq, 2),
      f(r.redisPerReq, 2),
      f(r.cpuMsPerReq.workerd, 2),
    ];
  });
  const widths = cols.map((c, i) => Math.max(c.length, ...data.map((d) => d[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...data.map(line)].join("\n");
}

/** Every floor measurement, one line per floor: runs, median req/s, p50 and workerd CPU. */
export function floorTable(rows: Row[]): string {
  const byName = new Map<string, Row[]>();
  for (const r of rows.filter((x) => x.group === "floor")) {
    const key = `${r.name}@${r.connections}`;
    byName.set(key, [...(byName.get(key) ?? []), r]);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const lines = [...byName].map(([, runs]) => {
    const { name, note, connections } = runs[0]!;
    return `| ${name}${note ? ` (${note})` : ""} | ${connections} | ${runs.length} | ${int(median(runs.map((r) => r.rps)))} | ${f(median(runs.map((r) => r.p50)), 2)} | ${f(median(runs.map((r) => r.p99)), 2)} | ${runs.reduce((n, r) => n + r.errors, 0)} | ${f(median(runs.map((r) => r.cpuMsPerReq.workerd ?? NaN)), 2)} |`;
  });
  return [
    "| Floor (r = Redis GET, h = select 1 over HTTP, b = 3 × select 1 in one HTTP batch, p = select 1 in a pool transaction) | conns | runs | req/s (median) | p50 ms | p99 ms | errors | workerd CPU ms/req |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...lines,
  ].join("\n");
}
