/**
 * The isolate's metric deltas, waiting to be flushed to the shared store (lib/metrics/flush.ts).
 *
 * A Worker runs as many isolates, so a per-isolate total would be one isolate's view. Each isolate
 * therefore keeps only what it counted since its last flush (a delta per series) and adds those
 * deltas to the shared totals in one background call; `/metrics` reads the totals. Why not
 * prom-client: it keeps absolute per-process totals (what Node's single process needs) and relies
 * on Node's timers and `process`; what a Worker needs is deltas and a batch, which is this file.
 *
 * A series is identified by its exposition line prefix, `name{label="value",…}`, which is also its
 * field in the store: no second encoding to keep in step.
 */

/** Latency buckets in seconds, 5 ms to 10 s (the issue's range; Prometheus' defaults in between). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export type Labels = Readonly<Record<string, string>>;

/** Past this many distinct series the isolate drops new ones (labels come from route patterns, so this is a guard, not a limit). */
export const MAX_PENDING_SERIES = 5_000;

export class MetricsRegistry {
  private readonly pending = new Map<string, number>();
  private readonly labelCache = new Map<string, string>();
  /** Series refused because the registry was full since the last flush (reported, never silent). */
  dropped = 0;

  /** Adds `by` to a counter. */
  inc(name: string, labels: Labels = {}, by = 1): void {
    this.add(name + this.labelText(labels), by);
  }

  /** Records one observation (seconds) into a histogram: cumulative buckets, `_sum` and `_count`. */
  observe(name: string, labels: Labels, seconds: number): void {
    const base = this.labelText(labels);
    const inner = base.slice(1, -1); // `a="x",b="y"` or ""
    const sep = inner ? "," : "";
    // Every bucket is written, 0 where the observation is above it, so none is ever missing.
    for (const le of DURATION_BUCKETS) this.add(`${name}_bucket{${inner}${sep}le="${le}"}`, seconds <= le ? 1 : 0);
    this.add(`${name}_bucket{${inner}${sep}le="+Inf"}`, 1);
    this.add(`${name}_sum${base}`, seconds);
    this.add(`${name}_count${base}`, 1);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Takes every pending delta (the registry is empty afterwards). */
  drain(): Array<[series: string, delta: number]> {
    const out = [...this.pending];
    this.pending.clear();
    return out;
  }

  /** Puts deltas back after a failed flush, so the next flush carries them. */
  restore(deltas: Array<[string, number]>): void {
    for (const [series, delta] of deltas) this.add(series, delta);
  }

  private add(series: string, by: number): void {
    const current = this.pending.get(series);
    if (current !== undefined) {
      this.pending.set(series, current + by);
    } else if (this.pending.size < MAX_PENDING_SERIES) {
      this.pending.set(series, by);
    } else {
      this.dropped++;
    }
  }

  /** `{a="x",b="y"}` in key order, escaped per the exposition format; cached (labels repeat per route). */
  private labelText(labels: Labels): string {
    const keys = Object.keys(labels);
    if (keys.length === 0) return "";
    const cacheKey = keys.map((k) => `${k}\u0000${labels[k]}`).join("\u0001");
    let text = this.labelCache.get(cacheKey);
    if (text === undefined) {
      text = `{${keys
        .sort()
        .map((k) => `${k}="${escapeLabelValue(labels[k] ?? "")}"`)
        .join(",")}}`;
      if (this.labelCache.size >= MAX_PENDING_SERIES) this.labelCache.clear();
      this.labelCache.set(cacheKey, text);
    }
    return text;
  }
}

/** Label value escaping of the text exposition format: backslash, double quote, newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
