import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/errors.ts";
import { PaginationQuery } from "../../lib/pagination.ts";
import { AUTH_PROBLEM_STATUSES, BEARER_SECURITY, requireAuth } from "../../middleware/auth.ts";
import {
  ConversationDetailSchema,
  ConversationIdParams,
  ConversationSchema,
  CreateConversationBody,
  MessageSchema,
  RenameConversationBody,
  SendMessageBody,
} from "./ai-chat.schemas.ts";

/** Canonical prefix; the original's spelling `/api/ai-chat` is an undocumented alias (see ai-chat.index.ts). */
export const AI_CHAT_PREFIX = "/api/ai_chat";
export const AI_CHAT_ALIAS_PREFIX = "/api/ai-chat";

const common = {
  tags: ["AI chat"],
  middleware: [requireAuth],
  security: BEARER_SECURITY,
};
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { required, content: { "application/json": { schema } } },
});

export const listConversations = createRoute({
  ...common,
  method: "get",
  path: "/api/ai_chat/conversations",
  summary: "My conversations, most recently active first",
  request: { query: PaginationQuery },
  responses: {
    200: json(z.array(ConversationSchema), "A page of conversations"),
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 422),
  },
});

export const createConversation = createRoute({
  ...common,
  method: "post",
  path: "/api/ai_chat/conversations",
  summary: "Start a conversation (the body is optional)",
  request: jsonBody(CreateConversationBody, false),
  responses: {
    201: json(ConversationSchema, "The new conversation"),
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 413, 415, 422),
  },
});

export const getConversation = createRoute({
  ...common,
  method: "get",
  path: "/api/ai_chat/conversations/{id}",
  summary: "One of my conversations, with its latest messages",
  request: { params: ConversationIdParams },
  responses: {
    200: json(ConversationDetailSchema, "The conversation"),
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 404, 422),
  },
});

export const renameConversation = createRoute({
  ...common,
  method: "patch",
  path: "/api/ai_chat/conversations/{id}",
  summary: "Rename a conversation",
  request: { params: ConversationIdParams, ...jsonBody(RenameConversationBody) },
  responses: {
    200: json(ConversationSchema, "The renamed conversation"),
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 404, 413, 415, 422),
  },
});

export const deleteConversation = createRoute({
  ...common,
  method: "delete",
  path: "/api/ai_chat/conversations/{id}",
  summary: "Delete a conversation and its messages",
  request: { params: ConversationIdParams },
  responses: {
    204: { description: "Deleted" },
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 404, 422),
  },
});

export const listMessages = createRoute({
  ...common,
  method: "get",
  path: "/api/ai_chat/conversations/{id}/messages",
  summary: "Messages of a conversation, oldest first",
  request: { params: ConversationIdParams, query: PaginationQuery },
  responses: {
    200: json(z.array(MessageSchema), "A page of messages"),
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 404, 422),
  },
});

export const sendMessage = createRoute({
  ...common,
  method: "post",
  path: "/api/ai_chat/conversations/{id}/messages",
  summary: "Send a message and get the model's reply (streamed with Accept: text/event-stream)",
  description: [
    "Stores the message, sends the conversation's recent history (the last 20 messages, at most 48,000",
    "characters) to the configured OpenAI-compatible model, stores the reply with its token usage and",
    "returns it.\n\n",
    "With `Accept: text/event-stream` the reply streams as server-sent events: `delta` events",
    '(`{"content": "…"}`) as the model writes, then one `done` event (`{"message": ChatMessage, "usage":',
    '{prompt_tokens, completion_tokens, total_tokens} | null}`) once the reply is stored — or one `error`',
    "event (a problem object) if the provider fails midway, in which case the partial reply is not stored.\n\n",
    "Failures before the reply starts are ordinary problem responses: 503 when AI chat is not configured",
    "(nothing is stored), 502 when the provider fails, 504 when it does not answer within 30 s (the",
    "user's message is kept, no reply is stored).",
  ].join(" "),
  request: { params: ConversationIdParams, ...jsonBody(SendMessageBody) },
  responses: {
    200: {
      description: "The stored assistant reply, or the reply as server-sent events",
      content: {
        "application/json": { schema: MessageSchema },
        "text/event-stream": { schema: z.string().openapi({ example: 'event: delta\ndata: {"content":"Proof"}\n\n' }) },
      },
    },
    ...problemResponses(...AUTH_PROBLEM_STATUSES, 404, 413, 415, 422, 502, 504),
  },
});
