/**
 * After the Worker tests: every key left in Redis must expire, or be one of the few documented as
 * permanent (docs/configuration.md, "Redis keys"). A key without a TTL grows Redis with the number of users forever.
 * Runs in Node from the workers project's global teardown, through the local cloud's Upstash REST API.
 */

/** Keys allowed to live forever, with the reason (keep in step with the Redis table in docs/configuration.md). */
export const PERMANENT_KEYS: ReadonlyArray<{ pattern: RegExp; reason: string }> = [];

type Upstash = { url: string; token: string };

async function call<T>(upstash: Upstash, path: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(path, upstash.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${upstash.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`Upstash ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Keys with no expiry (PTTL -1) that no PERMANENT_KEYS pattern allows. */
export async function keysWithoutTtl(upstash: Upstash): Promise<string[]> {
  const offenders: string[] = [];
  let cursor = "0";
  do {
    const { result } = await call<{ result: [string, string[]] }>(upstash, "/", ["SCAN", cursor, "COUNT", "1000"]);
    cursor = String(result[0]);
    const keys = result[1];
    if (keys.length === 0) continue;
    const ttls = await call<Array<{ result: number }>>(
      upstash,
      "/pipeline",
      keys.map((k) => ["PTTL", k]),
    );
    keys.forEach((key, i) => {
      if (ttls[i]!.result === -1 && !PERMANENT_KEYS.some((p) => p.pattern.test(key))) offenders.push(key);
    });
  } while (cursor !== "0");
  return offenders.sort();
}

/** Throws, naming the keys (grouped by shape), when any key would live forever. */
export async function assertEveryKeyExpires(upstash: Upstash): Promise<void> {
  const offenders = await keysWithoutTtl(upstash);
  if (offenders.length === 0) return;
  const shapes = [...new Set(offenders.map((k) => k.replace(/\d+/g, "{n}").replace(/[0-9a-f]{32,}/g, "{hash}")))];
  throw new Error(
    `${offenders.length} Redis key(s) have no TTL after the Worker tests (give them one, or document them as ` +
      `permanent in test/redis-ttl-audit.ts and the Redis table in docs/configuration.md): ${shapes.slice(0, 20).join(", ")}`,
  );
}
