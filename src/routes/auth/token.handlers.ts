import type { Context } from "hono";
import { ApiError } from "../../lib/errors.ts";
import * as auth from "../../services/auth/index.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import { authDeps } from "./auth.handlers.ts";
import type * as routes from "./auth.routes.ts";

/**
 * The OAuth2 token endpoint (RFC 6749 §3.2), for standard clients: the password grant (§4.3) and the
 * refresh grant (§6), with the same rules as /api/auth/login and /api/auth/refresh (login throttle,
 * refresh rotation and reuse detection). Its errors are RFC 6749 §5.2 bodies, not problems, because
 * OAuth2 client libraries parse `error`; every response is `Cache-Control: no-store` (§5.1).
 */

export type OAuthErrorCode = "invalid_request" | "invalid_grant" | "unsupported_grant_type" | "invalid_client" | "temporarily_unavailable";

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/** An RFC 6749 §5.2 error response. */
export function oauthError(c: Context, status: 400 | 429 | 503, error: OAuthErrorCode, description: string, headers: Record<string, string> = {}) {
  return c.json({ error, error_description: description }, status, { ...NO_STORE, ...headers });
}

/** The service's refusals in OAuth2 terms: bad credentials or token → invalid_grant, overload keeps its status. */
function fromApiError(c: Context, err: ApiError) {
  const headers = Object.fromEntries(Object.entries(err.extra.headers ?? {}).filter(([name]) => name.toLowerCase() === "retry-after"));
  if (err.status === 429 || err.status === 503) return oauthError(c, err.status, "temporarily_unavailable", err.detail, headers);
  if (err.status === 422) return oauthError(c, 400, "invalid_request", err.detail);
  return oauthError(c, 400, "invalid_grant", err.detail);
}

export const token: AppRouteHandler<typeof routes.token> = async (c) => {
  const form = c.req.valid("form");
  try {
    let pair;
    if (form.grant_type === "password") {
      if (!form.username || !form.password) return oauthError(c, 400, "invalid_request", "The password grant needs username and password");
      pair = await auth.login(authDeps(c), form.username, form.password);
    } else if (form.grant_type === "refresh_token") {
      if (!form.refresh_token) return oauthError(c, 400, "invalid_request", "The refresh_token grant needs refresh_token");
      pair = await auth.refreshSession(authDeps(c), form.refresh_token);
    } else {
      return oauthError(c, 400, "unsupported_grant_type", "Supported grant types: password, refresh_token");
    }
    return c.json(pair, 200, NO_STORE);
  } catch (err) {
    if (err instanceof ApiError) return fromApiError(c, err);
    throw err;
  }
};

/** Validation failures at the token endpoint are `invalid_request`, not 422 problems (§5.2). */
export const tokenHook = (result: { success: boolean }, c: Context<AppBindings>) => {
  if (!result.success) return oauthError(c, 400, "invalid_request", "Malformed token request: send grant_type and its parameters form-encoded");
  return undefined;
};
