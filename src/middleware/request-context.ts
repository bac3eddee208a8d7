import { createMiddleware } from "hono/factory";
import type { AppConfig } from "../config.ts";
import type { AppBindings } from "../types.ts";

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** Share of successful requests that get a debug access line at DEBUG level. */
export const ACCESS_LOG_SAMPLE = 0.1;
/** The seed's levels: INFO in production, DEBUG in development and whenever DEBUG=true. */
export const debugLevel = (config: Pick<AppConfig, "DEBUG" | "ENVIRONMENT">) =>
  config.DEBUG || config.ENVIRONMENT === "development";
/** Requests slower than this get a log line even when they succeed. */
export const SLOW_REQUEST_MS = 1_000;

/**
 * Request id (honoured from `X-Request-Id` when well-formed, generated otherwise), `Server-Timing`,
 * and a structured JSON log line for every error response (4xx/5xx) and every slow request.
 *
 * Successful requests get no line of ours: with `[observability]` on, Workers Logs already records
 * each invocation (method, URL, status, duration, CPU time), and writing a second line per request
 * cost a trivial route about a quarter of its throughput (see docs/performance.md).
 */
export const requestContext = createMiddleware<AppBindings>(async (c, next) => {
  const started = performance.now();
  const incoming = c.req.header("X-Request-Id");
  const requestId = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);

  await next();

  // Workers only advance timers on I/O, so on the edge this measures I/O time, which is what matters.
  const duration = performance.now() - started;
  c.res.headers.set("X-Request-Id", requestId);
  c.res.headers.append("Server-Timing", `app;dur=${duration.toFixed(1)}`);
  const status = c.res.status;
  if (status < 400 && duration < SLOW_REQUEST_MS) {
    // DEBUG level (development, or DEBUG=true): a sample of successful requests gets an access line.
    const config = c.get("config");
    if (config && debugLevel(config) && Math.random() < ACCESS_LOG_SAMPLE) {
      console.log(
        JSON.stringify({
          level: "debug",
          msg: "request",
          request_id: requestId,
          method: c.req.method,
          path: c.req.path,
          status,
          duration_ms: Math.round(duration * 10) / 10,
        }),
      );
    }
    return;
  }
  console.log(
    JSON.stringify({
      level: status >= 500 ? "error" : status >= 400 ? "info" : "warn",
      msg: status >= 400 ? "request failed" : "slow request",
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round(duration * 10) / 10,
      user_id: c.get("auth")?.userId,
    }),
  );
});
