import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageAfterHeaders, NextPageCursorHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  ConversationDetailSchema,
  ConversationIdParams,
  ConversationSchema,
  ConversationsQuery,
  CreateConversationBody,
  MessageSchema,
  MessagesQuery,
  RenameConversationBody,
  SendMessageBody,
} from "./ai-chat.schemas.ts";

const { user } = routeKit(
  "AI chat",
  "Conversations with the AI assistant (any OpenAI-compatible provider); 503 when none is configured",
);

/** Canonical prefix; the original's spelling `/api/ai-chat` is an undocumented alias (see ai-chat.index.ts). */
export const AI_CHAT_PREFIX = "/api/ai_chat";
export const AI_CHAT_ALIAS_PREFIX = "/api/ai-chat";

export const listConversations = user({
  operationId: "listChatConversations",
  method: "get",
  path: "/api/ai_chat/conversations",
  summary: "My conversations, most recently active first (keyset paging with ?before)",
  description:
    "A conversation that gets a message while you page moves to the head of the list: it comes at most once in a walk.",
  request: { query: ConversationsQuery },
  responses: {
    200: json(z.array(ConversationSchema), "A page of conversations", NextPageCursorHeaders),
    ...problemResponses(422),
  },
});

export const createConversation = user({
  operationId: "createChatConversation",
  method: "post",
  path: "/api/ai_chat/conversations",
  summary: "Start a conversation (the body is optional)",
  request: jsonBody(CreateConversationBody, false),
  responses: {
    201: json(ConversationSchema, "The new conversation"),
    ...problemResponses(413, 415, 422),
  },
});

export const getConversation = user({
  operationId: "getChatConversation",
  method: "get",
  path: "/api/ai_chat/conversations/{id}",
  summary: "One of my conversations, with its latest messages",
  request: { params: ConversationIdParams },
  responses: {
    200: json(ConversationDetailSchema, "The conversation"),
    ...problemResponses(404, 422),
  },
});

export const renameConversation = user({
  operationId: "renameChatConversation",
  method: "patch",
  path: "/api/ai_chat/conversations/{id}",
  summary: "Rename a conversation",
  request: { params: ConversationIdParams, ...jsonBody(RenameConversationBody) },
  responses: {
    200: json(ConversationSchema, "The renamed conversation"),
    ...problemResponses(404, 413, 415, 422),
  },
});

export const deleteConversation = user({
  operationId: "deleteChatConversation",
  method: "delete",
  path: "/api/ai_chat/conversations/{id}",
  summary: "Delete a conversation and its messages",
  request: { params: ConversationIdParams },
  responses: {
    204: { description: "Deleted" },
    ...problemResponses(404, 422),
  },
});

export const listMessages = user({
  operationId: "listChatMessages",
  method: "get",
  path: "/api/ai_chat/conversations/{id}/messages",
  summary: "Messages of a conversation, oldest first (keyset paging with ?after)",
  request: { params: ConversationIdParams, query: MessagesQuery },
  responses: {
    200: json(z.array(MessageSchema), "A page of messages", NextPageAfterHeaders),
    ...problemResponses(404, 422),
  },
});

export const sendMessage = user({
  operationId: "sendChatMessage",
  method: "post",
  path: "/api/ai_chat/conversations/{id}/messages",
  summary: "Send a message and get the model's reply (streamed with Accept: text/event-stream)",
  description: [
    "Stores the message, sends the conversation's recent history (the last 20 messages, at most 48,000",
    "characters) to the configured OpenAI-compatible model, stores the reply with its token usage and",
    "returns it.\n\n",
    "With `Accept: text/event-stream` the reply streams as server-sent events: `delta` events",
    '(`{"content": "…"}`) as the model writes, then one `done` event (`{"message": ChatMessage, "usage":',
    "{prompt_tokens, completion_tokens, total_tokens} | null}`) once the reply is stored — or one `error`",
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
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});
