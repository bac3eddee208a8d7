import { createMiddleware } from "hono/factory";
import { createDatabase, loadDatabaseDriver } from "../lib/db.ts";
import { redisClient } from "../lib/redis.ts";
import type { AppBindings, Services } from "../types.ts";

/**
 * The request's clients, made on first use so routes that need neither pay nothing. The database
 * is a per-request view (its WebSocket pool, for transactions only, is closed through
 * `ctx.waitUntil` by createDatabase); the Redis client holds no I/O object and is the isolate's.
 */
export const services = createMiddleware<AppBindings>(async (c, next) => {
  await loadDatabaseDriver(); // once per isolate (not at start-up: db.ts); `db` below is synchronous
  const config = c.get("config");
  let db: Services["db"] | undefined;
  let redis: Services["redis"] | undefined;
  c.set("services", {
    get db() {
      return (db ??= createDatabase(config, c.executionCtx));
    },
    get redis() {
      return (redis ??= redisClient(config));
    },
  });
  try {
    await next();
  } finally {
    // Ends this request's WebSocket pool (if a transaction opened one) through ctx.waitUntil.
    db?.$close();
  }
});
