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

type Entry = { synced: number; unsynced: number; inFlight: number; expiresAtMs: number };

export class WindowCounters {
  /** Past this many keys the isolate forgets them all (Redis keeps the truth; memory stays bounded). */
  static readonly MAX_KEYS = 10_000;
  /** A sync that has not settled after this long is treated as lost (its request was torn down). */
  static readonly SYNC_STALE_MS = 5_000;
  /** Syncs one background task runs back to back before leaving the rest to a later request. */
  static readonly SYNCS_PER_TASK = 4;
  /** Least time between the starts of two syncs of one isolate. */
  static readonly SYNC_INTERVAL_MS = 100;

  private readonly entries = new Map<string, Entry>();
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
      if (this.entries.size >= WindowCounters.MAX_KEYS) {
        this.entries.clear();
        this.pending = 0;
      }
      entry = { synced: 0, unsynced: 0, inFlight: 0, expiresAtMs: resetAtMs };
      this.entries.set(key, entry);
    }
    const used = entry.synced + entry.inFlight + entry.unsynced;
    if (used + weight > limit) return { allowed: false, limit, remaining: Math.max(0, limit - used), resetAtMs };
    entry.unsynced += weight;
    this.pending += weight;
    return { allowed: true, limit, remaining: limit - used - weight, resetAtMs };
  }

  /**
   * Sends the pending increments (for ctx.waitUntil), unless a sync is already in flight; that one
   * picks them up when it finishes. Never rejects: on failure the counts stay pending for the next sync.
   */
  sync(send: SyncCounts, onError: (err: unknown) => void): Promise<void> | undefined {
    const started = this.syncStartedAt;
    if (started !== undefined && this.now() - started < WindowCounters.SYNC_STALE_MS) return undefined;
    if (!this.hasPending()) return undefined;
    this.syncStartedAt = this.now();
    return this.syncRounds(send, onError).finally(() => (this.syncStartedAt = undefined));
  }

  private async syncRounds(send: SyncCounts, onError: (err: unknown) => void): Promise<void> {
    for (let round = 0; round < WindowCounters.SYNCS_PER_TASK && this.hasPending(); round++) {
      // Waiting here (not refusing) means the last requests of a burst are still sent.
      const wait = this.lastSentAt + WindowCounters.SYNC_INTERVAL_MS - this.now();
      if (wait > 0) await this.sleep(wait);
      if (!this.hasPending()) return; // forgotten meanwhile (MAX_KEYS)
      const now = this.now();
      this.lastSentAt = now;
      const batch: { key: string; entry: Entry; increment: number }[] = [];
      for (const [key, entry] of this.entries) {
        if (entry.unsynced > 0) {
          batch.push({ key, entry, increment: entry.unsynced });
          entry.inFlight += entry.unsynced;
          this.pending -= entry.unsynced;
          entry.unsynced = 0;
        } else if (entry.expiresAtMs <= now && entry.inFlight === 0) {
          this.entries.delete(key); // a finished window with nothing left to send
        }
      }
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
          entry.unsynced += increment;
          this.pending += increment;
        }
        onError(err);
        return;
      }
    }
  }

  private hasPending(): boolean {
    return this.pending > 0;
  }
}
