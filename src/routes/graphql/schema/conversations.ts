import { MESSAGE_ROLES } from "../../../lib/constants.ts";
import { decodeTimeCursor, encodeTimeCursor } from "../../../lib/time-cursor.ts";
import {
  type ConversationRow,
  conversationNotFound,
  findConversation,
  listConversations,
  listMessages,
  type MessageRow,
} from "../../../services/ai-chat/conversations.ts";
import { builder } from "./builder.ts";
import { connection, connectionArgs, cursorPage, parseId } from "./connections.ts";
import { viewer } from "./context.ts";
import { id } from "./inputs.ts";
import { MeRef } from "./me.ts";

/** AI chat conversations (as GET /api/ai_chat/conversations…): always the viewer's own. */

const ChatRole = builder.enumType("ChatRole", { values: MESSAGE_ROLES });

const ChatMessageRef = builder.objectRef<MessageRow>("ChatMessage").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    role: t.field({ type: ChatRole, resolve: (m) => m.role }),
    content: t.exposeString("content"),
    model: t.exposeString("model", { nullable: true }),
    promptTokens: t.exposeInt("promptTokens", { nullable: true }),
    completionTokens: t.exposeInt("completionTokens", { nullable: true }),
    finishReason: t.exposeString("finishReason", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
const ChatMessageConnection = connection("ChatMessage", ChatMessageRef);

const ConversationRef = builder.objectRef<ConversationRow>("Conversation").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    title: t.exposeString("title"),
    model: t.exposeString("model", { description: "The model of the latest reply" }),
    messageCount: t.exposeInt("messageCount"),
    totalTokens: t.exposeInt("totalTokens"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    messages: t.field({
      type: ChatMessageConnection,
      description: "Oldest first",
      args: connectionArgs,
      resolve: (conv, args, ctx) =>
        cursorPage(
          args,
          async (page) => {
            const rows = await listMessages(ctx.db, viewer(ctx), conv.id, { ...page, after: page.cursor });
            if (!rows) throw conversationNotFound(); // deleted while the query ran
            return rows;
          },
          (m) => String(m.id),
          parseId,
        ),
    }),
  }),
});
const ConversationConnection = connection("Conversation", ConversationRef);

builder.objectField(MeRef, "conversations", (t) =>
  t.field({
    type: ConversationConnection,
    description: "My AI chat conversations, most recently active first",
    args: connectionArgs,
    resolve: (u, args, ctx) =>
      cursorPage(
        args,
        (page) => listConversations(ctx.db, u.id, { ...page, before: page.cursor }),
        (c) => encodeTimeCursor({ at: c.cursorAt, id: String(c.id) }),
        (key: string) => decodeTimeCursor(key, "int"),
      ),
  }),
);

builder.queryFields((t) => ({
  conversation: t.field({
    type: ConversationRef,
    description: "One of my conversations; someone else's is not found",
    args: { id: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const row = await findConversation(ctx.db, viewer(ctx), id(args.id));
      if (!row) throw conversationNotFound();
      return row;
    },
  }),
}));
