import type { Context } from "hono";
import { clientIp, userAgent } from "../lib/client-info.ts";
import { type AuditActor, recordEventLater } from "../services/audit.ts";
import { resolveChain, TEST_CHAIN_HEADER } from "../services/chain/ledger.ts";
import type { AppBindings } from "../types.ts";

/**
 * Request helpers every handler shares (see docs/architecture.md, "Adding a route"): the context
 * type for helpers that take any route's context, the ledger chain of the request, who is acting,
 * and audit events written after the response.
 */

/** Any route's context (for helpers shared by handlers of different routes). */
export type Ctx = Context<AppBindings, any, any>;

/** "main", or an isolated test chain under ENVIRONMENT=test (see resolveChain). */
export const chainOf = (c: Ctx) => resolveChain(c.get("config").ENVIRONMENT, c.req.header(TEST_CHAIN_HEADER));

/** Who is acting, from where: the request's part of an audit event. */
export const actorOf = (c: Ctx): AuditActor => ({
  userId: c.get("auth")?.userId ?? null,
  ip: clientIp(c.req.raw.headers),
  userAgent: userAgent(c.req.raw.headers),
});

/**
 * Records what the caller just did (`<area>.<action>`) in the audit log after the response, so it
 * never delays the client (the dashboard's activity feed reads these). Ids and counts only, never
 * content or secrets.
 */
export function auditLater(c: Ctx, type: `${string}.${string}`, metadata: Record<string, unknown> = {}) {
  recordEventLater(c.get("services").db, { type, ...actorOf(c), metadata }, (p) => c.executionCtx.waitUntil(p));
}
