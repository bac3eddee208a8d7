import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppConfig } from "./config.ts";
import type { Database } from "./lib/db.ts";
import type { Redis } from "./lib/redis.ts";

/** What the services middleware puts on every request: clients live for one request only. */
export type Services = {
  readonly db: Database;
  readonly redis: Redis;
};

/** The authenticated caller, set by the auth middleware. */
export type AuthContext = {
  userId: number;
  sessionId: string;
};

export type AppBindings = {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: AppConfig;
    services: Services;
    auth?: AuthContext;
    /** The error `onError` answered for, so the error-reporting middleware can report it. */
    failure?: Error;
  };
};

export type AppOpenAPI = OpenAPIHono<AppBindings>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppBindings>;
