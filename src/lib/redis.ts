import { Redis } from "@upstash/redis/cloudflare";
import type { AppConfig } from "../config.ts";

/** Redis calls give up after this long: a dead Redis must cost milliseconds, not the default ~4 s of retries. */
export const REDIS_TIMEOUT_MS = 1_000;

/**
 * A request-scoped Upstash client. It holds no connection (every call is one HTTPS request),
 * so creating one per request is free.
 */
export function createRedis(config: Pick<AppConfig, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">): Redis {
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    // One quick retry for a dropped connection; fail fast otherwise (callers decide fail-open/closed).
    retry: { retries: 1, backoff: () => 20 },
    signal: () => AbortSignal.timeout(REDIS_TIMEOUT_MS),
    // Values are stored as JSON strings we encode ourselves, so types survive the round trip.
    automaticDeserialization: false,
    enableTelemetry: false,
  });
}

export type { Redis };
