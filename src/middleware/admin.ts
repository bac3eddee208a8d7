import { createMiddleware } from "hono/factory";
import { forbidden } from "../lib/errors.ts";
import { isActiveAdmin } from "../services/auth/users.ts";
import type { AppBindings } from "../types.ts";
import { getAuth } from "./auth.ts";

/**
 * Admin-only routes: after `requireAuth`, the caller must be an active user with `is_admin`.
 * Roles are never in the token, so they are read from the database on every request (one
 * indexed primary-key lookup): revoking admin rights takes effect on the next request.
 *
 *   middleware: [requireAuth, requireAdmin]   → 401 without a valid token, 403 for non-admins
 */
export const requireAdmin = createMiddleware<AppBindings>(async (c, next) => {
  if (!(await isActiveAdmin(c.get("services").db, getAuth(c).userId))) throw forbidden("Administrator access required");
  await next();
});
