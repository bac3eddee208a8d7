import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config.ts";
import { problem } from "../lib/errors.ts";
import type { AppBindings } from "../types.ts";

const reported = new WeakSet<object>();

/** Parses the bindings once per isolate; a misconfigured Worker fails closed on every request. */
export const configGuard = createMiddleware<AppBindings>(async (c, next) => {
  const result = loadConfig(c.env);
  if (!result.ok) {
    if (!reported.has(c.env)) {
      reported.add(c.env);
      console.error(JSON.stringify({ level: "error", msg: "invalid configuration", problems: result.problems }));
    }
    return problem(
      c,
      500,
      "misconfigured",
      "The server is misconfigured and refuses to run. The operator has been told why in the logs.",
    );
  }
  c.set("config", result.config);
  await next();
});
