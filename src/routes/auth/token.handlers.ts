import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, onError } from "../../lib/errors.ts";
import * as auth from "../../services/auth/index.ts";
import type { AppRouteHandler } from "../../types.ts";
import { authDeps } from "./auth.handlers.ts";
import type * as routes from "./auth.routes.ts";

/**
 * The OAuth2 token endpoint (RFC 6749 §3.2), for standard clients: the password grant (§4.3) and the
 * refresh grant (§6), with the same rules as /api/auth/login and /api/auth/refresh (login throttle,
 * refresh rotation and reuse detection). Refusals are RFC 6749 §5.2 bodies, not problems, because
 * OAuth2 client libraries parse `error`; every answer is `Cache-Control: no-store` (§5.1). Overload
 * (429, 503) stays a problem with Retry-After: it is no verdict on the grant.
 */

type OAuthErrorCode = "invalid_request" | "invalid_grant" | "unsupported_grant_type";

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

const oauthError = (c: Context, error: OAuthErrorCode, description: string) =>
  c.json({ error, error_description: description }, 400, NO_STORE);

export const token: AppRouteHandler<typeof routes.token> = async (c) => {
  const form = c.req.valid("form");
  try {
    let pair;
    if (form.grant_type === "password") {
      if (!form.username || !form.password)
        return oauthError(c, "invalid_request", "The password grant needs username and password");
      // The device token is for the first-party sign-in (its cookie); OAuth2 clients get the token pair only.
      const { deviceToken: _device, ...tokens } = await auth.login(authDeps(c), form.username, form.password);
      pair = tokens;
    } else if (form.grant_type === "refresh_token") {
      if (!form.refresh_token) return oauthError(c, "invalid_request", "The refresh_token grant needs refresh_token");
      pair = await auth.refreshSession(authDeps(c), form.refresh_token);
    } else {
      return oauthError(c, "unsupported_grant_type", "Supported grant types: password, refresh_token");
    }
    return c.json(pair, 200, NO_STORE);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 429 || err.status >= 500) throw err;
    // Wrong credentials, a disabled account, a used, revoked or racing refresh token: the grant is refused.
    return oauthError(c, err.status === 422 ? "invalid_request" : "invalid_grant", err.detail);
  }
};

/** A malformed token request is `invalid_request` (§5.2), not a 422 problem. */
export const tokenHook = (result: { success: boolean }, c: Context) =>
  result.success
    ? undefined
    : oauthError(c, "invalid_request", "Malformed token request: send grant_type and its parameters form-encoded");

/**
 * A body the runtime cannot even parse (multipart without a boundary, a broken form) fails before
 * the hook; at the token endpoint that is `invalid_request` too. Every other error of the router
 * gets the API's one format.
 */
export const tokenErrors = (err: Error, c: Context) =>
  c.req.path === "/api/auth/token" && err instanceof HTTPException && err.status === 400
    ? oauthError(c, "invalid_request", "Malformed token request: send grant_type and its parameters form-encoded")
    : onError(err, c);
