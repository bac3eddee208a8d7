// The Notifications Durable Object's surface: one object per user (notificationsObjectName), which
// holds that user's live WebSocket connections (hibernation API) and pushes their new
// notifications. Routes import this module, never the class (notifications.ts).

export interface NotificationsRpc {
  /** How many sockets are open (tests and diagnostics). */
  connections(): Promise<number>;
}

export type NotificationsNamespace = DurableObjectNamespace<NotificationsRpc & Rpc.DurableObjectBranded>;

/** The Durable Object name of a user's live feed. */
export const notificationsObjectName = (userId: number) => `user:${userId}`;

/** Forwards a WebSocket upgrade for `userId` to that user's object (the route has checked the ticket). */
export function openLiveFeed(ns: NotificationsNamespace, userId: number, request: Request): Promise<Response> {
  const url = new URL("https://notifications.internal/ws");
  url.searchParams.set("user", String(userId));
  return ns.get(ns.idFromName(notificationsObjectName(userId))).fetch(new Request(url, { headers: request.headers }));
}

/** What the feed sends: a hello with the unread count, then each new notification as it arrives. */
export type LiveMessage =
  | { type: "hello"; unread: number }
  | { type: "notification"; notification: Record<string, unknown>; unread: number }
  | { type: "unread"; unread: number };

/** How often an object with open sockets looks for new rows (one indexed query per user online). */
export const LIVE_POLL_MS = 1_000;
