import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { clientIp, userAgent } from "../../lib/client-info.ts";
import { ApiError } from "../../lib/errors.ts";
import { countEvent } from "../../lib/metrics/index.ts";
import { getAuth } from "../../middleware/auth.ts";
import { deviceCookie, presentedDeviceToken } from "../../services/auth/device-token.ts";
import * as auth from "../../services/auth/index.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import type * as routes from "./auth.routes.ts";
import type { LoginFormSchema, LoginJsonSchema } from "./auth.schemas.ts";

export function authDeps(c: Context<AppBindings, any, any>): auth.AuthDeps {
  return {
    db: c.get("services").db,
    redis: c.get("services").redis,
    config: c.get("config"),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    client: { ip: clientIp(c.req.raw.headers), userAgent: userAgent(c.req.raw.headers) },
  };
}

// Token responses must not be cached anywhere (RFC 6749 §5.1).
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };

const bodyRequired = (what: string) =>
  new ApiError(422, "validation-error", `body: send ${what} as JSON or as application/x-www-form-urlencoded`, {
    errors: [{ path: "body", message: `${what} required` }],
  });

const isForm = (c: Context) =>
  /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header("Content-Type") ?? "");
const isJson = (c: Context) => /^application\/([a-z.-]+\+)?json/i.test(c.req.header("Content-Type") ?? "");

export const register: AppRouteHandler<typeof routes.register> = async (c) => {
  const user = await auth.registerUser(authDeps(c), c.req.valid("json"));
  countEvent("blackroad_registrations_total");
  return c.json(user, 201);
};

export const login: AppRouteHandler<typeof routes.login> = async (c) => {
  let identifier: string;
  let password: string;
  if (isJson(c)) {
    // Typed by hand: with two media types, zod-openapi types each target as the union of both.
    const body = c.req.valid("json") as z.infer<typeof LoginJsonSchema>;
    identifier = (body.username ?? body.email)!;
    password = body.password;
  } else if (isForm(c)) {
    ({ username: identifier, password } = c.req.valid("form") as z.infer<typeof LoginFormSchema>);
  } else {
    throw bodyRequired("username and password");
  }
  const { deviceToken, ...pair } = await auth
    .login(authDeps(c), identifier, password, presentedDeviceToken(c.req.raw.headers))
    .catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 401) countEvent("blackroad_logins_total", { outcome: "failed" });
      throw err;
    });
  countEvent("blackroad_logins_total", { outcome: "ok" });
  return c.json(pair, 200, { ...NO_STORE, "Set-Cookie": deviceCookie(deviceToken) });
};

export const refresh: AppRouteHandler<typeof routes.refresh> = async (c) => {
  let token: string;
  if (isJson(c)) token = c.req.valid("json").refresh_token;
  else if (isForm(c)) token = c.req.valid("form").refresh_token;
  else throw bodyRequired("refresh_token");
  const pair = await auth.refreshSession(authDeps(c), token);
  return c.json(pair, 200, NO_STORE);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const { userId } = getAuth(c);
  const user = await auth.findUserView(c.get("services").db, userId);
  // A deleted account's token is as good as none.
  if (!user)
    throw new ApiError(401, "unauthorized", "Could not validate credentials", {
      headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    });
  if (!user.is_active) throw new ApiError(403, "inactive-user", "Inactive user");
  return c.json(user, 200);
};

export const logout: AppRouteHandler<typeof routes.logout> = async (c) => {
  const { all } = c.req.valid("query");
  const result = await auth.logout(authDeps(c), getAuth(c), { all });
  return c.json({ message: "Successfully logged out", ...result }, 200);
};

export const changePassword: AppRouteHandler<typeof routes.changePassword> = async (c) => {
  const { current_password, new_password } = c.req.valid("json");
  const result = await auth.changePassword(authDeps(c), getAuth(c), current_password, new_password);
  return c.json({ message: "Password changed", ...result }, 200);
};

export const listSessions: AppRouteHandler<typeof routes.listSessions> = async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await auth.mySessions(authDeps(c), getAuth(c)), 200);
};

export const endSession: AppRouteHandler<typeof routes.endSession> = async (c) => {
  await auth.endMySession(authDeps(c), getAuth(c), c.req.valid("param").id);
  return c.body(null, 204);
};
