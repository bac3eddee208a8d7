import { sql } from "drizzle-orm";
import { type RoadChainNamespace, roadChainStub } from "../durable-objects/roadchain.contract.ts";
import type { Database } from "../lib/db.ts";
import type { Redis } from "../lib/redis.ts";

export type CheckResult = { status: "up" | "slow" | "down"; latency_ms: number; error?: string };

/** A dependency slower than this is reported as "slow" and the system as degraded. */
export const SLOW_CHECK_MS = 500;
/** No check may hang the health endpoint. */
export const CHECK_TIMEOUT_MS = 2_000;

class CheckTimeout extends Error {}

/**
 * Runs one probe with a deadline. A failure's `error` is a fixed phrase: these results are public
 * (/api/health/summary), and a driver's message carries SQL text ("Failed query: select 1") or
 * vendor details. The driver's own reason goes to the log instead, URLs stripped.
 */
export async function timedCheck(
  name: string,
  probe: () => Promise<unknown>,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<CheckResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const latency = round(performance.now() - started);
    return { status: latency > SLOW_CHECK_MS ? "slow" : "up", latency_ms: latency };
  } catch (err) {
    const timedOut = err instanceof CheckTimeout;
    console.warn(JSON.stringify({ level: "warn", msg: "dependency check failed", check: name, reason: describe(err) }));
    return {
      status: "down",
      latency_ms: round(performance.now() - started),
      error: timedOut ? err.message : "unreachable",
    };
  } finally {
    clearTimeout(timer);
  }
}

export const checkPostgres = (db: Database) => timedCheck("postgres", () => db.execute(sql`select 1`));
export const checkRedis = (redis: Redis) => timedCheck("redis", () => redis.ping());
export const checkRoadChain = (ns: RoadChainNamespace) =>
  timedCheck("roadchain", () => roadChainStub(ns, "main").ping());

function round(ms: number) {
  return Math.round(ms * 10) / 10;
}

// Only the error's class and a short reason: never a connection string or credential.
function describe(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\w+:\/\/\S+/g, "<url>").slice(0, 200);
  return "unknown error";
}
