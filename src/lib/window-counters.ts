/**
 * Fixed-window request counters shared through Redis without a Redis round trip per request.
 *
 * Each isolate keeps, per key (`ratelimit:{ip}:{endpoint}:{window}`), the count Redis last
 * reported and the requests it let through since. A request is decided from their sum, at once.
 * The isolate's increments travel to Redis in batches: at most one sync in flight per isolate and
 * at most one per SYNC_INTERVAL_MS, each carrying every key's pending count in one script call,
 * run in the background (ctx.waitUntil: no request waits for it); Redis's replies bring in what
 * other isolates counted. The interval is what keeps a busy isolate's Redis traffic (and the CPU
 * of building each call) flat: one sync per round trip was one call per ~20 requests under load.
 *
 * The price, acceptable for generous limits only: a client spread over several isolates is seen
 * one sync (at most SYNC_INTERVAL_MS plus a round trip) late, and an isolate meeting a client for
 * the first time lets it through before it has heard from Redis. Strict limits (login, register)
 * stay exact, see middleware/rate-limit.ts.
 */

/** Adds each increment to its key, expiring the key at the end of its window; replies with the new totals. */
export type SyncCounts = (batch: { key: string; increment: number; expiresAtMs: number }[]) => Promise<number[]>;

export type WindowDecision = { allowed: boolean; limit: number; remaining: number; resetAtMs: number };

type Entry = { key: string; limit: number; synced: number; unsynced: number; inFlight: number; expiresAtMs: number };

export class WindowCounters {
  /**
   * The most keys an isolate keeps, whatever the number of distinct clients (each key is ~200 bytes:
   * a flood of new addresses costs at most ~2 MB). Past it the isolate forgets keys, in this order:
   * finished windows, then keys Redis already holds whole (nothing unsynced or in flight) that are
   * below their limit, oldest first; a blocked client (at its limit) is kept, so a flood of other
   * addresses cannot make an isolate forget that it refused it. Only a flood faster than the syncs
   * (MAX_KEYS keys with counts still unsent) drops unsent counts, oldest first.
   */
  static readonly MAX_KEYS = 10_000;
  /** Share of MAX_KEYS one eviction frees, so that a flood pays for an eviction once per many requests. */
  static readonly EVICT_SHARE = 0.1;
  /** A sync that has not settled after this long is treated as lost (its request was torn down). */
  static readonly SYNC_STALE_MS = 5_000;
  /** Syncs one background task runs back to back before leaving the rest to a later request. */
  static readonly SYNCS_PER_TASK = 4;
  /** Least time between the starts of two syncs of one isolate. */
  static readonly SYNC_INTERVAL_MS = 100;

  /** In insertion order (Map), so the oldest keys come first. */
  private readonly entries = new Map<string, Entry>();
  /** Entries with unsynced counts: a sync visits these, not every key the isolate holds. */
  private readonly dirty = new Set<Entry>();
  private syncStartedAt: number | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** Sum of `unsynced` over all entries. */
  private pending = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<unknown> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Counts one request under `prefix` in the current window of `windowMs`, if it is within `limit`.
   * `weight` is how many units it counts for (a GraphQL request counts its cost): refused when the
   * units used plus this weight would exceed the limit.
   */
  hit(prefix: string, limit: number, windowMs: number, weight = 1): WindowDecision {
    const window = Math.floor(this.now() / windowMs);
    const key = `${prefix}:${window}`;
    const resetAtMs = (window + 1) * windowMs;
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= WindowCounters.MAX_KEYS) this.evict();
      entry = { key, limit, synced: 0, unsynced: 0, inFlight: 0, expiresAtMs: resetAtMs };
      this.entries.set(key, entry);
    }
    const used = entry.synced + entry.inFlight + entry.unsynced;
    if (used + weight > limit) return { allowed: false, limit, remaining: Math.max(0, limit - used), resetAtMs };
    entry.unsynced += weight;
    this.pending += weight;
    this.dirty.add(entry);
    return { allowed: true, limit, remaining: limit - used - weight, resetAtMs };
  }

  /** Whether `sync` would start a sync now: callers skip building its arguments when not. */
  syncDue(): boolean {
    const started = this.syncStartedAt;
    if (started !== undefined && this.now() - started < WindowCounters.SYNC_STALE_MS) return false;
    return this.hasPending();
  }

  /**
   * Sends the pending increments (for ctx.waitUntil), unless a sync is already in flight; that one
   * picks them up when it finishes. Never rejects: on failure the counts stay pending for the next sync.
   */
  sync(send: SyncCounts, onError: (err: unknown) => void): Promise<void> | undefined {
    if (!this.syncDue()) return undefined;
    this.syncStartedAt = this.now();
    return this.syncRounds(send, onError).finally(() => (this.syncStartedAt = undefined));
  }

  private async syncRounds(send: SyncCounts, onError: (err: unknown) => void): Promise<void> {
    for (let round = 0; round < WindowCounters.SYNCS_PER_TASK && this.hasPending(); round++) {
      // Waiting here (not refusing) means the last requests of a burst are still sent.
      const wait = this.lastSentAt + WindowCounters.SYNC_INTERVAL_MS - this.now();
      if (wait > 0) await this.sleep(wait);
      if (!this.hasPending()) return; // forgotten meanwhile (evicted)
      const now = this.now();
      this.lastSentAt = now;
      const batch: { key: string; entry: Entry; increment: number }[] = [];
      for (const entry of this.dirty) {
        batch.push({ key: entry.key, entry, increment: entry.unsynced });
        entry.inFlight += entry.unsynced;
        this.pending -= entry.unsynced;
        entry.unsynced = 0;
      }
      this.dirty.clear();
      this.forgetFinished(now);
      try {
        const totals = await send(
          batch.map(({ key, entry, increment }) => ({ key, increment, expiresAtMs: entry.expiresAtMs })),
        );
        batch.forEach(({ entry, increment }, i) => {
          entry.inFlight -= increment;
          // Redis's total already includes this batch (and every other isolate's syncs).
          entry.synced = Math.max(entry.synced + increment, totals[i] ?? 0);
        });
      } catch (err) {
        for (const { entry, increment } of batch) {
          entry.inFlight -= increment;
          if (this.entries.get(entry.key) !== entry) continue; // forgotten meanwhile (evicted)
          entry.unsynced += increment;
          this.pending += increment;
          this.dirty.add(entry);
        }
        onError(err);
        return;
      }
    }
  }

  private hasPending(): boolean {
    return this.pending > 0;
  }

  /** Drops finished windows with nothing left to send, from the oldest key on (stops at the first live one). */
  private forgetFinished(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs > now) return;
      if (entry.unsynced === 0 && entry.inFlight === 0) this.entries.delete(key);
    }
  }

  /** Frees EVICT_SHARE of MAX_KEYS, in the order MAX_KEYS describes. */
  private evict(): void {
    const target = Math.floor(WindowCounters.MAX_KEYS * (1 - WindowCounters.EVICT_SHARE));
    const now = this.now();
    const passes: ((e: Entry) => boolean)[] = [
      (e) => e.expiresAtMs <= now && e.unsynced === 0 && e.inFlight === 0,
      (e) => e.unsynced === 0 && e.inFlight === 0 && e.synced < e.limit,
      () => true, // a flood faster than the syncs: unsent counts go, oldest first
    ];
    for (const forgettable of passes) {
      for (const [key, entry] of this.entries) {
        if (this.entries.size <= target) return;
        if (!forgettable(entry)) continue;
        this.entries.delete(key);
        if (entry.unsynced > 0) {
          this.pending -= entry.unsynced;
          this.dirty.delete(entry);
        }
      }
    }
  }

  /** How many keys and unsent entries the isolate holds (tests of the memory bound). */
  get size(): { keys: number; dirty: number } {
    return { keys: this.entries.size, dirty: this.dirty.size };
  }
}
