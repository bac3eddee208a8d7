import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  BroadcastBody,
  ContextBody,
  ContextSchema,
  EventSchema,
  HealthSchema,
  LimitQuery,
  MessageSchema,
  RegisterBody,
  SessionIdParams,
  SessionSchema,
  SocketQuery,
} from "./leitl.schemas.ts";

const { anyone, user } = routeKit(
  "LEITL",
  "A live bus for my agent sessions (one workspace per user, a Durable Object): register, heartbeat, broadcast, presence, shared versioned context, WebSocket",
);

export const register = user({
  operationId: "registerLeitlSession",
  method: "post",
  path: "/api/leitl/sessions",
  summary: "Register an agent session in my workspace (it expires 60 s after its last heartbeat)",
  request: jsonBody(RegisterBody),
  responses: { 201: json(SessionSchema, "The session"), ...problemResponses(409, 413, 415, 422) },
});

export const active = user({
  operationId: "listLeitlSessions",
  method: "get",
  path: "/api/leitl/sessions/active",
  summary: "Presence: my workspace's live sessions",
  responses: { 200: json(z.object({ sessions: z.array(SessionSchema) }), "Live sessions") },
});

export const heartbeat = user({
  operationId: "heartbeatLeitlSession",
  method: "post",
  path: "/api/leitl/sessions/{id}/heartbeat",
  summary: "Keep a session alive",
  request: { params: SessionIdParams },
  responses: { 200: json(SessionSchema, "The session"), ...problemResponses(404, 422) },
});

export const end = user({
  operationId: "endLeitlSession",
  method: "delete",
  path: "/api/leitl/sessions/{id}",
  summary: "End a session (its sockets close)",
  request: { params: SessionIdParams },
  responses: { 204: { description: "Ended" }, ...problemResponses(404, 422) },
});

export const broadcast = user({
  operationId: "broadcastLeitl",
  method: "post",
  path: "/api/leitl/broadcast",
  summary: "Send a message to every socket of my workspace",
  request: jsonBody(BroadcastBody),
  responses: { 200: json(MessageSchema, "The message as sent"), ...problemResponses(404, 413, 415, 422) },
});

export const recent = user({
  operationId: "recentLeitlMessages",
  method: "get",
  path: "/api/leitl/messages/recent",
  summary: "The latest messages of my workspace, oldest first (the last 100 are kept)",
  request: { query: LimitQuery },
  responses: { 200: json(z.object({ messages: z.array(MessageSchema) }), "Messages"), ...problemResponses(422) },
});

export const activity = user({
  operationId: "leitlActivity",
  method: "get",
  path: "/api/leitl/activity",
  summary: "What happened in my workspace, newest first (the last 200 events are kept)",
  request: { query: LimitQuery },
  responses: { 200: json(z.object({ events: z.array(EventSchema) }), "Events"), ...problemResponses(422) },
});

export const getContext = user({
  operationId: "getLeitlContext",
  method: "get",
  path: "/api/leitl/context",
  summary: "My workspace's shared context document and its version",
  responses: { 200: json(ContextSchema, "The context") },
});

export const putContext = user({
  operationId: "syncLeitlContext",
  method: "put",
  path: "/api/leitl/context",
  summary: "Replace the context document, based on `version` (409 with the current one when it moved on)",
  request: jsonBody(ContextBody),
  responses: { 200: json(ContextSchema, "The new context"), ...problemResponses(409, 413, 415, 422) },
});

export const socket = user({
  operationId: "leitlSocket",
  method: "get",
  path: "/api/leitl/ws",
  summary: "A session's WebSocket: hello (with presence), then messages, presence and context changes",
  description:
    'Upgrade to a WebSocket with `?session=<id>` (one of my live sessions). Pushes `{"type":"hello"|"message"|"presence"|"context",…}`. Send `ping` (answers `pong` and counts as a heartbeat), `{"type":"heartbeat"}` or `{"type":"broadcast","data":…}`. Messages over 8 KB close the socket (1009); an ended or expired session\'s sockets close (1000).',
  request: { query: SocketQuery },
  responses: { 101: { description: "Switching to the WebSocket protocol" }, ...problemResponses(404, 422, 426) },
});

export const health = anyone({
  operationId: "leitlHealth",
  method: "get",
  path: "/api/leitl/health",
  summary: "The bus answers",
  responses: { 200: json(HealthSchema, "Health") },
});
