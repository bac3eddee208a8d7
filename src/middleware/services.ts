import { createMiddleware } from "hono/factory";
import { createDatabase } from "../lib/db.ts";
import { createRedis } from "../lib/redis.ts";
import type { AppBindings, Services } from "../types.ts";

/**
 * Request-scoped clients, created on first use so routes that need neither (like /health) pay nothing.
 * The database's WebSocket pool (transactions only) is closed through `ctx.waitUntil` by createDatabase.
 */
export const services = createMiddleware<AppBindings>(async (c, next) => {
  const config = c.get("config");
  let db: Services["db"] | undefined;
  let redis: Services["redis"] | undefined;
  c.set("services", {
    get db() {
      return (db ??= createDatabase(config, c.executionCtx));
    },
    get redis() {
      return (redis ??= createRedis(config));
    },
  });
  try {
    await next();
  } finally {
    // Ends this request's WebSocket pool (if a transaction opened one) through ctx.waitUntil.
    db?.$close();
  }
});
