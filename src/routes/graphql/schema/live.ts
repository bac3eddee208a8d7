import {
  blockFeedStub,
  FEED_REFUSED_HEADER,
  type FeedMessage,
  feedShardOf,
} from "../../../durable-objects/block-feed.contract.ts";
import { type LiveMessage, openLiveFeed } from "../../../durable-objects/notifications.contract.ts";
import { clientIp, ipIdentity } from "../../../lib/client-info.ts";
import { ApiError, serviceUnavailable } from "../../../lib/errors.ts";
import { mapMessages, socketMessages } from "../../../lib/socket-iterator.ts";
import { callLedger } from "../../../services/chain/chain-writer.ts";
import type { BlockSummaryView } from "../../../services/chain/views.ts";
import type { NotificationRow } from "../../../services/notifications/notifications.ts";
import { builder } from "./builder.ts";
import { BlockRef } from "./chain.ts";
import { type GraphQLContext, viewer } from "./context.ts";
import { NotificationRef } from "./me.ts";

/**
 * Subscriptions (served as server-sent events, graphql.stream.ts), fed by the same Durable Objects
 * as the WebSocket feeds: the Worker opens a socket to the feed's object exactly as
 * GET /api/blockchain/ws and GET /api/notifications/ws do, with the same caps, and turns each
 * message into a GraphQL result. Nothing is polled here and no second fan-out exists.
 */
builder.subscriptionType({ description: "Live events, over server-sent events (Accept: text/event-stream)" });

/** Keeps the worker's socket out of the block feed's idle sweep (it only listens). */
const pingEvery = (ctx: GraphQLContext) => Math.max(1, ctx.c.var.config.BLOCKCHAIN_WS_IDLE_SECONDS / 3) * 1000;

async function blockFeed(ctx: GraphQLContext): Promise<AsyncIterableIterator<BlockSummaryView>> {
  const { c, chain } = ctx;
  const ip = clientIp(c.req.raw.headers);
  const address = ip ? ipIdentity(ip) : "unknown";
  const url = new URL("https://block-feed.internal/ws");
  url.searchParams.set("chain", chain);
  url.searchParams.set("address", address);
  const shard = feedShardOf(address, c.var.config.BLOCKCHAIN_WS_SHARDS);
  const res = await callLedger(() =>
    blockFeedStub(c.env.BLOCK_FEED, chain, shard).fetch(new Request(url, { headers: { Upgrade: "websocket" } })),
  );
  if (res.headers.get(FEED_REFUSED_HEADER) === "connection-cap") {
    throw new ApiError(
      429,
      "too-many-connections",
      `At most ${c.var.config.BLOCKCHAIN_WS_MAX_CONNECTIONS_PER_ADDRESS} live connections per address; close one first`,
    );
  }
  if (res.status !== 101 || !res.webSocket) {
    throw serviceUnavailable("The live block stream is unavailable; retry shortly", "ledger-unavailable");
  }
  return mapMessages(socketMessages(res.webSocket, pingEvery(ctx)), (text) => {
    if (!text.startsWith("{")) return undefined; // "pong"
    const message = JSON.parse(text) as FeedMessage;
    return message.type === "block" ? message.block : undefined;
  });
}

type NotificationEvent = { kind: LiveMessage["type"]; unread: number; notification: NotificationRow | null };

/** The live message's JSON (notificationJson) back into the row the Notification type reads. */
function rowOf(json: Record<string, unknown>, userId: number): NotificationRow {
  return {
    id: Number(json.id),
    userId,
    type: String(json.type),
    title: String(json.title),
    body: String(json.body),
    importance: json.importance as NotificationRow["importance"],
    link: (json.link as string | null) ?? null,
    actorId: (json.actor_id as number | null) ?? null,
    readAt: json.read_at ? new Date(String(json.read_at)) : null,
    createdAt: new Date(String(json.created_at)),
  };
}

async function myNotificationFeed(ctx: GraphQLContext): Promise<AsyncIterableIterator<NotificationEvent>> {
  // The viewer's own object, named by the verified token's user id: there is no argument to name another.
  const userId = viewer(ctx);
  const res = await openLiveFeed(
    ctx.c.env.NOTIFICATIONS,
    userId,
    new Request("https://notifications.internal/ws", { headers: { Upgrade: "websocket" } }),
  ).catch(() => undefined);
  if (res?.status !== 101 || !res.webSocket)
    throw serviceUnavailable("The live feed is unavailable; retry shortly", "live-unavailable");
  return mapMessages(socketMessages(res.webSocket), (text) => {
    const m = JSON.parse(text) as LiveMessage;
    return {
      kind: m.type,
      unread: m.unread,
      notification: m.type === "notification" ? rowOf(m.notification, userId) : null,
    };
  });
}

const LiveKind = builder.enumType("NotificationEventKind", {
  values: ["hello", "notification", "unread"] as const,
  description: "hello: the unread count on connecting; notification: a new one; unread: the count changed",
});
const NotificationEventRef = builder.objectRef<NotificationEvent>("NotificationEvent").implement({
  fields: (t) => ({
    kind: t.field({ type: LiveKind, resolve: (e) => e.kind }),
    unread: t.exposeInt("unread"),
    notification: t.field({ type: NotificationRef, nullable: true, resolve: (e) => e.notification }),
  }),
});

builder.subscriptionFields((t) => ({
  newBlock: t.field({
    type: BlockRef,
    description: "Each block as it is committed (the live block feed of GET /api/blockchain/ws); open to anyone",
    subscribe: (_r, _a, ctx) => blockFeed(ctx),
    resolve: (block) => block,
  }),
  myNotifications: t.field({
    type: NotificationEventRef,
    description: "The viewer's notifications as they arrive (the feed of GET /api/notifications/ws); signed-in only",
    subscribe: (_r, _a, ctx) => myNotificationFeed(ctx),
    resolve: (event) => event,
  }),
}));
