import type { Context } from "hono";
import { clientIp, userAgent } from "../lib/client-info.ts";
import { recordEventLater } from "../services/audit.ts";
import type { AppBindings } from "../types.ts";

/**
 * Records what the caller just did in the apps (RoadMail, Social, BlackStream) in the audit log,
 * after the response (the dashboard's activity feed reads these). Ids and counts only, never content.
 */
export function recordAppEvent(c: Context<AppBindings>, type: `${"email" | "social" | "video"}.${string}`, metadata: Record<string, unknown> = {}) {
  recordEventLater(
    c.var.services.db,
    { type, userId: c.var.auth?.userId ?? null, ip: clientIp(c.req.raw.headers), userAgent: userAgent(c.req.raw.headers), metadata },
    (p) => c.executionCtx.waitUntil(p),
  );
}
