/**
 * Prometheus text exposition (format 0.0.4) of the shared totals. Every family the Worker writes is
 * declared here with its type and help text; a series of an undeclared family is never exposed
 * (it would have no TYPE line), so adding a metric means adding it here.
 */
export type MetricType = "counter" | "gauge" | "histogram";

export const METRIC_FAMILIES: Record<string, { type: MetricType; help: string }> = {
  blackroad_http_requests_total: { type: "counter", help: "HTTP requests by route pattern, method and status class." },
  blackroad_http_request_duration_seconds: {
    type: "histogram",
    help: "HTTP request latency by route pattern and method.",
  },
  blackroad_dependency_calls_total: {
    type: "counter",
    help: "Calls to dependencies (postgres, redis, durable_object, ai_provider, integrations) by outcome.",
  },
  blackroad_dependency_duration_seconds: { type: "histogram", help: "Latency of calls to dependencies." },
  blackroad_cache_requests_total: { type: "counter", help: "Response cache lookups by result (hit or miss)." },
  blackroad_rate_limit_refusals_total: {
    type: "counter",
    help: "Requests refused by a rate limit (429), by route pattern.",
  },
  blackroad_registrations_total: { type: "counter", help: "Accounts registered." },
  blackroad_logins_total: { type: "counter", help: "Password logins by outcome (ok or failed)." },
  blackroad_transfers_total: { type: "counter", help: "RoadChain transfers accepted." },
  blackroad_transfer_volume_coins_total: { type: "counter", help: "Coins moved by accepted transfers." },
  blackroad_mail_sent_total: { type: "counter", help: "RoadMail messages sent." },
  blackroad_refresh_token_reuse_total: {
    type: "counter",
    help: "Refresh tokens presented again after rotation (a stolen-token signal).",
  },
  blackroad_chain_verifications_total: {
    type: "counter",
    help: "Chain verifications (the /verify route and Prism jobs) by result (valid or invalid).",
  },
  blackroad_metrics_dropped_series_total: {
    type: "counter",
    help: "Series an isolate could not record because its registry was full.",
  },
  // Read from the source of truth at scrape time (exact across isolates by construction).
  blackroad_blocks_mined_total: {
    type: "counter",
    help: "Blocks appended to the main chain after genesis (its height).",
  },
  blackroad_active_miners: { type: "gauge", help: "Per-user miners running now." },
  blackroad_up: { type: "gauge", help: "1 when the scrape could read the shared metric store." },
};

const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"] as const;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

type Parsed = { family: string; suffix: string; labelsWithoutLe: string; le: number; series: string };

function parse(series: string): Parsed | undefined {
  const brace = series.indexOf("{");
  const name = brace === -1 ? series : series.slice(0, brace);
  const labelText = brace === -1 ? "" : series.slice(brace + 1, -1);
  let family = name;
  let suffix = "";
  if (!METRIC_FAMILIES[name]) {
    const found = HISTOGRAM_SUFFIXES.find(
      (s) => name.endsWith(s) && METRIC_FAMILIES[name.slice(0, -s.length)]?.type === "histogram",
    );
    if (!found) return undefined;
    family = name.slice(0, -found.length);
    suffix = found;
  } else if (METRIC_FAMILIES[name]?.type === "histogram") {
    return undefined; // a histogram is only ever written through its suffixed series
  }
  let le = Number.POSITIVE_INFINITY;
  const rest: string[] = [];
  for (const [whole, key, value] of labelText.matchAll(LABEL)) {
    if (key === "le" && suffix === "_bucket") le = value === "+Inf" ? Number.POSITIVE_INFINITY : Number(value);
    else rest.push(whole);
  }
  return { family, suffix, labelsWithoutLe: rest.join(","), le, series };
}

/** A series' metric name and labels (values unescaped). */
export function parseSeries(series: string): { name: string; labels: Record<string, string> } {
  const brace = series.indexOf("{");
  const labels: Record<string, string> = {};
  if (brace !== -1) {
    for (const [, key, value] of series.slice(brace + 1, -1).matchAll(LABEL)) {
      labels[key!] = value!.replace(/\\(["\\n])/g, (_, ch: string) => (ch === "n" ? "\n" : ch));
    }
  }
  return { name: brace === -1 ? series : series.slice(0, brace), labels };
}

const SUFFIX_ORDER: Record<string, number> = { "": 0, _bucket: 0, _sum: 1, _count: 2 };

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** The exposition text of `totals` (series → value). Families are grouped, buckets in `le` order. */
export function renderExposition(totals: Iterable<[string, number]>): string {
  const byFamily = new Map<string, Parsed[]>();
  const values = new Map<string, number>();
  for (const [series, value] of totals) {
    const parsed = parse(series);
    if (!parsed) continue;
    values.set(series, value);
    let list = byFamily.get(parsed.family);
    if (!list) byFamily.set(parsed.family, (list = []));
    list.push(parsed);
  }
  const lines: string[] = [];
  for (const family of [...byFamily.keys()].sort()) {
    const meta = METRIC_FAMILIES[family];
    if (!meta) continue;
    lines.push(`# HELP ${family} ${meta.help}`, `# TYPE ${family} ${meta.type}`);
    const series = byFamily.get(family) ?? [];
    series.sort(
      (a, b) =>
        (a.labelsWithoutLe < b.labelsWithoutLe ? -1 : a.labelsWithoutLe > b.labelsWithoutLe ? 1 : 0) ||
        (SUFFIX_ORDER[a.suffix] ?? 0) - (SUFFIX_ORDER[b.suffix] ?? 0) ||
        a.le - b.le,
    );
    for (const s of series) lines.push(`${s.series} ${formatValue(values.get(s.series) ?? 0)}`);
  }
  return `${lines.join("\n")}\n`;
}
