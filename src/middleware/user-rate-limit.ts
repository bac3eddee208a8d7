import { Ratelimit } from "@upstash/ratelimit";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../lib/errors.ts";
import type { AppBindings } from "../types.ts";
import { getAuth } from "./auth.ts";
import { LIMITER_TIMEOUT_MS } from "./rate-limit.ts";

/**
 * A budget per signed-in user (after requireAuth), on top of the per-IP limits: for routes that
 * spend a shared resource on the caller's behalf (the server's GitHub or Hugging Face quota), so one
 * account cannot exhaust it from many addresses. Sliding window in Redis, keyed
 * `ratelimit:user:{bucket}:{userId}`; Redis failing lets the request through (logged).
 */
export function perUserLimit(bucket: string, requests: number, window: `${number} ${"s" | "m" | "h"}`) {
  return createMiddleware<AppBindings>(async (c, next) => {
    const { userId } = getAuth(c);
    const limiter = new Ratelimit({
      redis: c.get("services").redis,
      limiter: Ratelimit.slidingWindow(requests, window),
      prefix: `ratelimit:user:${bucket}`,
      timeout: LIMITER_TIMEOUT_MS,
      analytics: false,
    });
    let result: Awaited<ReturnType<Ratelimit["limit"]>> | undefined;
    try {
      result = await limiter.limit(String(userId));
      c.executionCtx.waitUntil(result.pending.catch(() => undefined));
      if (result.reason === "timeout") result = undefined;
    } catch {
      result = undefined;
    }
    if (!result) {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "per-user rate limiter unavailable; request let through",
          request_id: c.get("requestId"),
          bucket,
        }),
      );
      return next();
    }
    const reset = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
    if (!result.success) {
      throw new ApiError(
        429,
        "rate-limited",
        `Too many requests: at most ${requests} per ${window.replace(" ", " ")} for each user; retry in ${reset} s`,
        {
          headers: {
            "Retry-After": String(reset),
            "RateLimit-Limit": String(requests),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": String(reset),
          },
        },
      );
    }
    await next();
  });
}
