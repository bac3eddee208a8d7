import type { Database } from "../../../lib/db.ts";
import { unauthorized } from "../../../lib/errors.ts";
import type { Ctx } from "../../request-kit.ts";
import type { Loaders } from "./loaders.ts";

/** What every resolver gets: the Hono context (config, services, auth), the viewer and this request's loaders. */
export type GraphQLContext = {
  c: Ctx;
  db: Database;
  /** Null for an anonymous caller (the route authenticates like REST's optionalAuth). */
  viewerId: number | null;
  /** The ledger chain of the request ("main", or a test chain under ENVIRONMENT=test). */
  chain: string;
  loaders: Loaders;
};

/** The signed-in viewer, or the same 401 REST answers (GraphQL error code `unauthorized`). */
export function viewer(ctx: GraphQLContext): number {
  if (ctx.viewerId === null) throw unauthorized("Not authenticated: send a bearer token", "unauthorized");
  return ctx.viewerId;
}
