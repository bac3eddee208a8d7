import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, routeKit } from "../route-kit.ts";
import * as s from "./notifications.schemas.ts";

const { anyone, user } = routeKit(
  "Notifications",
  "My notifications: the list, unread count, read marks and a live WebSocket feed",
);

export const list = user({
  operationId: "listNotifications",
  method: "get",
  path: "/api/notifications",
  summary: "My notifications, newest first (keyset paging with ?before, filters ?importance and ?unread_only)",
  request: { query: s.ListQuery },
  responses: {
    200: json(z.array(s.NotificationSchema), "A page of notifications", NextPageHeaders),
    ...problemResponses(422),
  },
});

export const unread = user({
  operationId: "getUnreadNotificationCount",
  method: "get",
  path: "/api/notifications/unread-count",
  summary: "How many of my notifications are unread",
  responses: { 200: json(s.UnreadSchema, "The count") },
});

export const readAll = user({
  operationId: "markAllNotificationsRead",
  method: "post",
  path: "/api/notifications/read-all",
  summary: "Mark all my notifications read",
  responses: { 200: json(s.ReadAllSchema, "How many were marked") },
});

export const ticket = user({
  operationId: "createNotificationTicket",
  method: "post",
  path: "/api/notifications/live-ticket",
  summary: "A 60-second ticket to open the live feed (a browser WebSocket cannot send the bearer token)",
  responses: { 200: json(s.TicketSchema, "The ticket and the WebSocket URL") },
});

export const live = anyone({
  operationId: "liveNotifications",
  method: "get",
  path: "/api/notifications/ws",
  summary: "Live feed over a WebSocket (?ticket=…): hello {unread}, then each new notification with the unread count",
  request: { query: s.TicketQuery },
  responses: { 101: { description: "Switching protocols" }, ...problemResponses(401, 422, 426, 503) },
});

export const read = user({
  operationId: "markNotificationRead",
  method: "post",
  path: "/api/notifications/{id}/read",
  summary: "Mark one of my notifications read",
  request: { params: s.IdParams },
  responses: { 200: json(s.NotificationSchema, "The notification"), ...problemResponses(404, 422) },
});

export const remove = user({
  operationId: "deleteNotification",
  method: "delete",
  path: "/api/notifications/{id}",
  summary: "Delete one of my notifications",
  request: { params: s.IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});
