import { forbidden } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import { isActiveAdmin } from "../../services/auth/users.ts";
import { exportCsv as csvStream, type EventFilter, eventJson, listEvents } from "../../services/compliance/events.ts";
import type { AppRouteHandler } from "../../types.ts";
import type { Ctx } from "../request-kit.ts";
import type * as routes from "./compliance.routes.ts";

/** Whose events the caller may read: their own, or (administrators) anyone's. */
async function filterFor(c: Ctx, q: { type?: string; user_id?: number; from?: Date; to?: Date }): Promise<EventFilter> {
  const me = getAuth(c).userId;
  const admin = await isActiveAdmin(c.var.services.db, me);
  if (!admin && q.user_id !== undefined && q.user_id !== me)
    throw forbidden("Only administrators can read other users' events");
  return { userId: admin ? q.user_id : me, type: q.type, from: q.from, to: q.to };
}

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const q = c.req.valid("query");
  const { rows, nextBefore } = await listEvents(c.var.services.db, await filterFor(c, q), {
    limit: q.limit,
    before: q.before,
  });
  return c.json({ events: rows.map(eventJson), next_before: nextBefore }, 200);
};

export const exportCsv: AppRouteHandler<typeof routes.exportCsv> = async (c) => {
  const filter = await filterFor(c, c.req.valid("query"));
  return c.body(csvStream(c.var.services.db, filter), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="compliance-events-${new Date().toISOString().slice(0, 10)}.csv"`,
    "Cache-Control": "no-store",
  }) as never;
};
