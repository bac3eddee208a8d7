import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/errors.ts";
import { AUTH_PROBLEM_STATUSES, BEARER_SECURITY, requireAuth } from "../../middleware/auth.ts";
import * as s from "./notifications.schemas.ts";

const tags = ["Notifications"];
const common = { tags, middleware: [requireAuth], security: BEARER_SECURITY };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const AUTH = AUTH_PROBLEM_STATUSES;

export const list = createRoute({
  ...common, method: "get", path: "/api/notifications",
  summary: "My notifications, newest first (keyset paging with ?before, filters ?importance and ?unread_only)",
  request: { query: s.ListQuery },
  responses: { 200: json(z.array(s.NotificationSchema), "A page of notifications"), ...problemResponses(...AUTH, 422) },
});

export const unread = createRoute({
  ...common, method: "get", path: "/api/notifications/unread-count",
  summary: "How many of my notifications are unread",
  responses: { 200: json(s.UnreadSchema, "The count"), ...problemResponses(...AUTH) },
});

export const readAll = createRoute({
  ...common, method: "post", path: "/api/notifications/read-all",
  summary: "Mark all my notifications read",
  responses: { 200: json(s.ReadAllSchema, "How many were marked"), ...problemResponses(...AUTH) },
});

export const ticket = createRoute({
  ...common, method: "post", path: "/api/notifications/live-ticket",
  summary: "A 60-second ticket to open the live feed (a browser WebSocket cannot send the bearer token)",
  responses: { 200: json(s.TicketSchema, "The ticket and the WebSocket URL"), ...problemResponses(...AUTH) },
});

export const live = createRoute({
  tags, method: "get", path: "/api/notifications/ws",
  summary: "Live feed over a WebSocket (?ticket=…): hello {unread}, then each new notification with the unread count",
  request: { query: s.TicketQuery },
  responses: { 101: { description: "Switching protocols" }, ...problemResponses(401, 422, 426, 503) },
});

export const read = createRoute({
  ...common, method: "post", path: "/api/notifications/{id}/read",
  summary: "Mark one of my notifications read",
  request: { params: s.IdParams },
  responses: { 200: json(s.NotificationSchema, "The notification"), ...problemResponses(...AUTH, 404, 422) },
});

export const remove = createRoute({
  ...common, method: "delete", path: "/api/notifications/{id}",
  summary: "Delete one of my notifications",
  request: { params: s.IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(...AUTH, 404, 422) },
});
