import { eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { users } from "../db/schema/index.ts";
import { forbidden } from "../lib/errors.ts";
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
  const { userId } = getAuth(c);
  const [row] = await c.var.services.db
    .select({ isAdmin: users.isAdmin, isActive: users.isActive })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row?.isAdmin || !row.isActive) throw forbidden("Administrator access required");
  await next();
});
