import { sql } from "drizzle-orm";
import type { Database } from "../lib/db.ts";
import type { Redis } from "../lib/redis.ts";

export type CheckResult = { status: "up" | "slow" | "down"; latency_ms: number; error?: string };

/** A dependency slower than this is reported as "slow" and the system as degraded. */
export const SLOW_CHECK_MS = 500;
/** No check may hang the health endpoint. */
export const CHECK_TIMEOUT_MS = 2_000;

export async function timedCheck(probe: () => Promise<unknown>, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const latency = round(performance.now() - started);
    return { status: latency > SLOW_CHECK_MS ? "slow" : "up", latency_ms: latency };
  } catch (err) {
    return { status: "down", latency_ms: round(performance.now() - started), error: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

export const checkPostgres = (db: Database) => timedCheck(() => db.execute(sql`select 1`));
export const checkRedis = (redis: Redis) => timedCheck(() => redis.ping());
export const checkRoadChain = (ns: DurableObjectNamespace<import("../durable-objects/roadchain.ts").RoadChainDO>) =>
  timedCheck(() => ns.getByName("main").ping());

function round(ms: number) {
  return Math.round(ms * 10) / 10;
}

// Only the error's class and a short reason: never a connection string or credential.
function describe(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\w+:\/\/\S+/g, "<url>").slice(0, 200);
  return "unknown error";
}
