import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../lib/db.ts";
import { newestId, notificationJson, since, unreadCount } from "../services/notifications/notifications.ts";
import { LIVE_POLL_MS, type LiveMessage, type NotificationsRpc } from "./notifications.contract.ts";

/**
 * One user's live notification feed. Notifications are written by database triggers in the
 * transactions of their events (see the notifications migration), which cannot call out; so while
 * at least one socket is open, this object looks for rows newer than the last it pushed, once per
 * LIVE_POLL_MS, on an alarm (between alarms it may hibernate), and pushes them to every socket.
 * With no socket open it sets no alarm and costs nothing.
 */
export class NotificationsDO extends DurableObject<Env> implements NotificationsRpc {
  async connections(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const userId = Number(new URL(request.url).searchParams.get("user"));
    const db = await this.#db();
    if (this.ctx.getWebSockets().length === 0) {
      // Start from what exists now: the client lists the past itself.
      this.ctx.storage.kv.put("user", userId);
      this.ctx.storage.kv.put("last", await newestId(db, userId));
    }
    const unread = await unreadCount(db, userId);
    this.ctx.storage.kv.put("unread", unread);
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(JSON.stringify({ type: "hello", unread } satisfies LiveMessage));
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + LIVE_POLL_MS);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async alarm(): Promise<void> {
    const sockets = this.ctx.getWebSockets();
    const userId = this.ctx.storage.kv.get<number>("user");
    if (sockets.length === 0 || !userId) return;
    try {
      const last = this.ctx.storage.kv.get<number>("last") ?? 0;
      const { rows, unread } = await since(await this.#db(), userId, last);
      const messages: LiveMessage[] = rows.map((n) => ({
        type: "notification",
        notification: notificationJson(n),
        unread,
      }));
      if (rows.length === 0 && unread !== this.ctx.storage.kv.get<number>("unread"))
        messages.push({ type: "unread", unread });
      if (rows.length) this.ctx.storage.kv.put("last", rows[rows.length - 1]!.id);
      this.ctx.storage.kv.put("unread", unread);
      for (const ws of sockets) for (const m of messages) ws.send(JSON.stringify(m));
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "notifications poll failed", error: String(err) }));
    } finally {
      if (this.ctx.getWebSockets().length) await this.ctx.storage.setAlarm(Date.now() + LIVE_POLL_MS);
    }
  }

  override async webSocketMessage(): Promise<void> {
    // Clients only listen ("ping" is answered by the runtime's auto-response, if set).
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  #db() {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) throw new Error(`configuration: ${loaded.problems.join("; ")}`);
    return openDatabase(loaded.config, this.ctx);
  }
}
