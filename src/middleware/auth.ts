import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError, problem, serviceUnavailable, unauthorized } from "../lib/errors.ts";
import { bearerToken, TokenError, verifyToken } from "../lib/jwt.ts";
import { accountUsable } from "../services/auth/account-state.ts";
import { SessionStoreError, touchSession } from "../services/sessions.ts";
import type { AppBindings, AuthContext } from "../types.ts";

/**
 * Authentication for routes.
 *
 *   requireAuth   401 unless the request carries a valid access token of a live session; then
 *                 `c.var.auth = { userId, sessionId }`. Redis unreachable → 503 (fail closed).
 *   optionalAuth  no `Authorization` header → anonymous (`c.var.auth` undefined); a header that
 *                 is present but invalid is still a 401, never a silent downgrade to anonymous.
 *   getAuth(c)    the AuthContext inside a handler behind requireAuth (typed, non-optional).
 *
 * Routes get these through the presets of src/routes/route-kit.ts (`user`, `maybeUser`, `admin`),
 * which also set the matching OpenAPI `security`; a handler behind `user` reads `getAuth(c).userId`.
 * Roles (is_admin) are never in the token: read them from the database.
 *
 * Per request this costs one HMAC verification and one Redis round trip (session check + slide).
 */

/** `security` for createRoute: a bearer token, obtained by hand or through Swagger's OAuth2 password flow. */
export const BEARER_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { oauth2Password: [] }];

/** Problem statuses every authenticated route can answer with, for `problemResponses(...)`. */
export const AUTH_PROBLEM_STATUSES = [401, 503] as const;

const notAuthenticated = () =>
  new ApiError(401, "unauthorized", "Not authenticated", {
    headers: { "WWW-Authenticate": 'Bearer realm="blackroad"' },
  });

async function authenticate(c: Context<AppBindings, any, any>, header: string): Promise<AuthContext> {
  let claims;
  try {
    const token = bearerToken(header);
    if (!token) throw new TokenError("empty");
    claims = await verifyToken(c.get("config"), "access", token);
  } catch (err) {
    if (err instanceof TokenError) throw unauthorized("Could not validate credentials", "invalid-token");
    throw err;
  }
  let alive: boolean;
  try {
    alive = await touchSession(c.get("services").redis, claims.userId, claims.sessionId);
  } catch (err) {
    if (err instanceof SessionStoreError) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "session store unavailable",
          request_id: c.get("requestId"),
          error: String(err.cause),
        }),
      );
      throw serviceUnavailable("Sessions cannot be checked right now; retry shortly", "session-store-unavailable");
    }
    throw err;
  }
  if (!alive) throw unauthorized("The session has ended; log in again", "session-ended");
  return { userId: claims.userId, sessionId: claims.sessionId };
}

/**
 * A request that failed unexpectedly (500) may have failed because the caller's account is gone: a
 * deleted user's token is still a valid token of a live session, and their writes fail on foreign
 * keys. Only then (never on the hot path) the account is looked up: gone or disabled → 401 and its
 * sessions end, so a deleted account never sees a 500.
 */
async function refuseVanishedAccount(c: Context<AppBindings, any, any>) {
  const auth = c.get("auth");
  if (!auth || !c.error || c.res.status !== 500) return;
  let usable = true;
  try {
    usable = await accountUsable(c.get("services"), auth.userId);
  } catch {
    return; // the database is down: the 500 stands
  }
  if (usable) return;
  c.res = undefined; // replace, not merge: the 500's headers go too
  c.res = problem(
    c,
    401,
    "account-unavailable",
    "This account no longer exists or is disabled; the session has ended",
    {
      headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    },
  );
}

export const requireAuth = createMiddleware<AppBindings>(async (c, next) => {
  const header = c.req.header("Authorization");
  if (header === undefined) throw notAuthenticated();
  c.set("auth", await authenticate(c, header));
  await next();
  await refuseVanishedAccount(c);
});

export const optionalAuth = createMiddleware<AppBindings>(async (c, next) => {
  const header = c.req.header("Authorization");
  if (header !== undefined) c.set("auth", await authenticate(c, header));
  await next();
  await refuseVanishedAccount(c);
});

/** The caller of a route behind `requireAuth`. Throws 401 if the route forgot the middleware. */
export function getAuth(c: Context<AppBindings, any, any>): AuthContext {
  const auth = c.get("auth");
  if (!auth) throw notAuthenticated();
  return auth;
}
