import { openLiveFeed } from "../../durable-objects/notifications.contract.ts";
import { ApiError, serviceUnavailable, unauthorized } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import { checkTicket, issueTicket, TICKET_SECONDS } from "../../services/notifications/live-ticket.ts";
import * as n from "../../services/notifications/notifications.ts";
import type { AppRouteHandler } from "../../types.ts";
import { byId, setNextPage } from "../keyset.ts";
import type * as routes from "./notifications.routes.ts";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const q = c.req.valid("query");
  const rows = await n.listNotifications(c.var.services.db, getAuth(c).userId, {
    limit: q.limit,
    before: q.before,
    importance: q.importance,
    unreadOnly: q.unread_only,
  });
  setNextPage(c, rows, q.limit, byId);
  return c.json(rows.map(n.notificationJson), 200);
};

export const unread: AppRouteHandler<typeof routes.unread> = async (c) =>
  c.json({ unread: await n.unreadCount(c.var.services.db, getAuth(c).userId) }, 200);

export const readAll: AppRouteHandler<typeof routes.readAll> = async (c) => {
  const marked = await n.markAllRead(c.var.services.db, getAuth(c).userId);
  return c.json({ marked, unread: 0 }, 200);
};

export const read: AppRouteHandler<typeof routes.read> = async (c) =>
  c.json(n.notificationJson(await n.markRead(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)), 200);

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  await n.deleteNotification(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.body(null, 204);
};

export const ticket: AppRouteHandler<typeof routes.ticket> = async (c) => {
  const t = await issueTicket(c.var.config.SECRET_KEY, getAuth(c).userId);
  const url = new URL(c.req.url);
  const ws = `${url.protocol === "https:" ? "wss" : "ws"}://${url.host}/api/notifications/ws?ticket=${t}`;
  return c.json({ ticket: t, url: ws, expires_in: TICKET_SECONDS }, 200);
};

export const live: AppRouteHandler<typeof routes.live> = async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade-required", "Connect with a WebSocket (Upgrade: websocket)", {
      headers: { Upgrade: "websocket" },
    });
  }
  const given = c.req.valid("query").ticket;
  const userId = given ? await checkTicket(c.var.config.SECRET_KEY, given) : undefined;
  if (userId === undefined)
    throw unauthorized("A valid ticket is required (POST /api/notifications/live-ticket)", "invalid-ticket");
  const res = await openLiveFeed(c.env.NOTIFICATIONS, userId, c.req.raw).catch(() => undefined);
  if (res?.status !== 101 || !res.webSocket)
    throw serviceUnavailable("The live feed is unavailable; retry shortly", "live-unavailable");
  return new Response(null, { status: 101, webSocket: res.webSocket }) as never;
};
