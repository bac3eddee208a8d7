// The generous rate limits' per-isolate counters: decisions without Redis, batched syncs.
import { describe, expect, it } from "vitest";
import { type SyncCounts, WindowCounters } from "../../src/lib/window-counters.ts";

const MINUTE = 60_000;

/** A Redis stand-in for the sync script: totals per key, the calls it received. */
function fakeRedis(start: Record<string, number> = {}) {
  const totals = new Map(Object.entries(start));
  const calls: Parameters<SyncCounts>[0][] = [];
  const send: SyncCounts = async (batch) => {
    calls.push(batch);
    return batch.map(({ key, increment }) => {
      totals.set(key, (totals.get(key) ?? 0) + increment);
      return totals.get(key)!;
    });
  };
  return { totals, calls, send };
}

const noError = (err: unknown) => {
  throw err;
};

describe("WindowCounters", () => {
  it("allows up to the limit within a window, then refuses until the next window", () => {
    let now = 5 * MINUTE + 1_000;
    const counters = new WindowCounters(() => now);
    const decisions = Array.from({ length: 4 }, () => counters.hit("ratelimit:ip:/x", 3, MINUTE));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[0]!.resetAtMs).toBe(6 * MINUTE);
    now = 6 * MINUTE;
    expect(counters.hit("ratelimit:ip:/x", 3, MINUTE).allowed).toBe(true);
  });

  it("sends every key's pending count in one call, with the window's end as expiry", async () => {
    const counters = new WindowCounters(() => 7 * MINUTE + 5);
    const redis = fakeRedis();
    for (let i = 0; i < 5; i++) counters.hit("ratelimit:a:/x", 100, MINUTE);
    counters.hit("ratelimit:b:/x", 100, MINUTE);
    await counters.sync(redis.send, noError);
    expect(redis.calls).toEqual([
      [
        { key: "ratelimit:a:/x:7", increment: 5, expiresAtMs: 8 * MINUTE },
        { key: "ratelimit:b:/x:7", increment: 1, expiresAtMs: 8 * MINUTE },
      ],
    ]);
    expect(counters.sync(redis.send, noError)).toBeUndefined(); // nothing left to send
  });

  it("runs one sync at a time; increments made meanwhile go in the next round of the same task", async () => {
    let now = MINUTE;
    const counters = new WindowCounters(
      () => now,
      async (ms) => (now += ms),
    );
    const redis = fakeRedis();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: SyncCounts = async (batch) => {
      if (redis.calls.length === 0) await gate;
      return redis.send(batch);
    };
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    const task = counters.sync(slow, noError);
    expect(task).toBeDefined();
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    expect(counters.sync(slow, noError)).toBeUndefined(); // one in flight already
    release();
    await task;
    expect(redis.calls.map((b) => b.map((x) => x.increment))).toEqual([[1], [2]]);
    expect(redis.totals.get("ratelimit:a:/x:1")).toBe(3);
  });

  it("spaces syncs SYNC_INTERVAL_MS apart, and a waiting sync still carries the burst's last requests", async () => {
    let now = 4 * MINUTE;
    const waits: number[] = [];
    const counters = new WindowCounters(
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    const redis = fakeRedis();
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    await counters.sync(redis.send, noError);
    now += 30;
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    const second = counters.sync(redis.send, noError);
    counters.hit("ratelimit:a:/x", 100, MINUTE); // arrives while the second sync waits
    await second;
    expect(waits).toEqual([WindowCounters.SYNC_INTERVAL_MS - 30]);
    expect(redis.calls.map((b) => b.map((x) => x.increment))).toEqual([[1], [2]]);
  });

  it("learns other isolates' counts from the replies and refuses once the total reaches the limit", async () => {
    const counters = new WindowCounters(() => 2 * MINUTE);
    const redis = fakeRedis({ "ratelimit:a:/x:2": 9 });
    expect(counters.hit("ratelimit:a:/x", 10, MINUTE).allowed).toBe(true); // not heard from Redis yet
    await counters.sync(redis.send, noError);
    expect(redis.totals.get("ratelimit:a:/x:2")).toBe(10);
    expect(counters.hit("ratelimit:a:/x", 10, MINUTE)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("keeps the counts after a failed sync and sends them with the next one", async () => {
    const counters = new WindowCounters(() => MINUTE);
    const redis = fakeRedis();
    const errors: unknown[] = [];
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    await counters.sync(
      async () => Promise.reject(new Error("redis down")),
      (err) => errors.push(err),
    );
    expect(errors).toHaveLength(1);
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    await counters.sync(redis.send, noError);
    expect(redis.calls).toEqual([[{ key: "ratelimit:a:/x:1", increment: 2, expiresAtMs: 2 * MINUTE }]]);
  });

  it("still refuses while increments are in flight (they count)", async () => {
    const counters = new WindowCounters(() => MINUTE);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    counters.hit("ratelimit:a:/x", 2, MINUTE);
    counters.hit("ratelimit:a:/x", 2, MINUTE);
    const task = counters.sync(async (batch) => (await gate, batch.map((b) => b.increment)), noError);
    expect(counters.hit("ratelimit:a:/x", 2, MINUTE).allowed).toBe(false);
    release();
    await task;
    expect(counters.hit("ratelimit:a:/x", 2, MINUTE).allowed).toBe(false);
  });

  it("forgets finished windows once they are synced, and bounds its memory", async () => {
    let now = MINUTE;
    const counters = new WindowCounters(() => now);
    const redis = fakeRedis();
    counters.hit("ratelimit:a:/x", 100, MINUTE);
    await counters.sync(redis.send, noError);
    now = 3 * MINUTE;
    counters.hit("ratelimit:b:/x", 100, MINUTE);
    await counters.sync(redis.send, noError);
    expect((counters as unknown as { entries: Map<string, unknown> }).entries.has("ratelimit:a:/x:1")).toBe(false);

    for (let i = 0; i < WindowCounters.MAX_KEYS + 5; i++) counters.hit(`ratelimit:${i}:/x`, 100, MINUTE);
    expect((counters as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(
      WindowCounters.MAX_KEYS,
    );
  });
});

describe("WindowCounters under a flood of distinct addresses", () => {
  const ip = (i: number) => `ratelimit:${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}.7:/api/auth/me`;

  it("stays within MAX_KEYS keys and MAX_KEYS unsent entries, syncing or not, and sends every count of the keys it keeps", async () => {
    let now = 10 * MINUTE;
    const counters = new WindowCounters(
      () => now,
      async (ms) => (now += ms),
    );
    const redis = fakeRedis();
    const flood = 5 * WindowCounters.MAX_KEYS;
    let peak = { keys: 0, dirty: 0 };
    for (let i = 0; i < flood; i++) {
      expect(counters.hit(ip(i), 300, MINUTE).allowed).toBe(true);
      if (i % 1_000 === 999) await counters.sync(redis.send, noError); // a sync per 1,000 new clients
      if (i === flood / 2) now += MINUTE; // a window turns mid-flood
      const size = counters.size;
      peak = { keys: Math.max(peak.keys, size.keys), dirty: Math.max(peak.dirty, size.dirty) };
    }
    expect(peak.keys).toBeLessThanOrEqual(WindowCounters.MAX_KEYS);
    expect(peak.dirty).toBeLessThanOrEqual(WindowCounters.MAX_KEYS);
    // A flood with no sync at all (Redis down) is bounded too: unsent counts are what goes then.
    const offline = new WindowCounters(() => now);
    for (let i = 0; i < flood; i++) offline.hit(ip(i), 300, MINUTE);
    expect(offline.size.keys).toBeLessThanOrEqual(WindowCounters.MAX_KEYS);
    expect(offline.size.dirty).toBeLessThanOrEqual(WindowCounters.MAX_KEYS);
    // While syncing, no count was dropped: Redis holds one per client.
    await counters.sync(redis.send, noError);
    expect([...redis.totals.values()].reduce((a, b) => a + b, 0)).toBe(flood);
  });

  it("still refuses a blocked client after a flood of other addresses made the isolate forget keys", async () => {
    let now = 20 * MINUTE + 1_000;
    const counters = new WindowCounters(
      () => now,
      async (ms) => (now += ms),
    );
    const redis = fakeRedis();
    const attacker = "ratelimit:203.0.113.9:/api/auth/me";
    for (let i = 0; i < 300; i++) counters.hit(attacker, 300, MINUTE);
    await counters.sync(redis.send, noError);
    expect(counters.hit(attacker, 300, MINUTE).allowed).toBe(false);
    for (let i = 0; i < 3 * WindowCounters.MAX_KEYS; i++) {
      counters.hit(ip(i), 300, MINUTE);
      if (i % 1_000 === 999) await counters.sync(redis.send, noError);
    }
    expect(counters.size.keys).toBeLessThanOrEqual(WindowCounters.MAX_KEYS);
    expect(counters.hit(attacker, 300, MINUTE)).toMatchObject({ allowed: false, remaining: 0 });
  });
});
