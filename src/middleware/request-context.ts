import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../types.ts";

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Request id (honoured from `X-Request-Id` when well-formed, generated otherwise), `Server-Timing`
 * and one structured JSON log line per request.
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
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round(duration * 10) / 10,
      user_id: c.get("auth")?.userId,
    }),
  );
});
