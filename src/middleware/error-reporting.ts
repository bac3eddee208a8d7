import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { ApiError } from "../lib/errors.ts";
import { reportFailure } from "../lib/sentry.ts";
import type { AppBindings } from "../types.ts";

/**
 * Sends every 5xx answer to Sentry when SENTRY_DSN is set (lib/sentry.ts): the error onError
 * answered for, or a message for a deliberate 5xx (a 503 problem, an unhealthy health summary).
 */
export const errorReporting = createMiddleware<AppBindings>(async (c, next) => {
  await next();
  if (c.res.status < 500 || !c.get("config").SENTRY_DSN) return;
  const failure = c.get("failure");
  const route = matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "unmatched";
  reportFailure({
    status: c.res.status,
    requestId: c.get("requestId"),
    route,
    problemType: failure instanceof ApiError ? failure.code : undefined,
    error: failure instanceof ApiError ? undefined : failure,
  });
});
