import { z } from "@hono/zod-openapi";
import { MESSAGE_ROLES } from "../../lib/constants.ts";
import { timeCursorParam } from "../../lib/cursor-param.ts";
import { MAX_CURSOR, PaginationQuery } from "../../lib/pagination.ts";
import { idParam } from "../../lib/params.ts";
import type { ConversationRow, MessageRow } from "../../services/ai-chat/conversations.ts";

export const ConversationsQuery = PaginationQuery.extend({
  before: timeCursorParam("int", "conversations last active before it (ties by id)"),
});
/** `?limit&offset&after`: `after` is the X-Next-Cursor of the previous page (its last message's id). */
export const MessagesQuery = PaginationQuery.extend({
  after: z.coerce.number().int().min(1).max(MAX_CURSOR).optional().openapi({
    description:
      "Keyset cursor: only messages after this one (the X-Next-Cursor header of the previous page, its last message's id). Flat cost at any depth; prefer it to `offset`",
    example: 1200,
  }),
});

/** Longest message a user may send (characters); longer is a 422. Bodies over 1 MiB are a 413 first. */
export const MAX_CONTENT_CHARS = 32_000;

/** Plain decimal digits only (idParam): `0x1`, `01`, `1e0` or ` 1` are a 422, not conversation 1. */
export const ConversationIdParams = z.object({ id: idParam("id") });

const title = z.string().trim().max(255);

export const CreateConversationBody = z
  .strictObject({
    title: title.nullish().openapi({
      description: 'Defaults to "New Conversation", which the first message replaces',
      example: "Trip planning",
    }),
  })
  .openapi("CreateConversation");

export const RenameConversationBody = z
  .strictObject({ title: title.min(1, "title must not be empty").openapi({ example: "Trip planning" }) })
  .openapi("RenameConversation");

export const SendMessageBody = z
  .strictObject({
    content: z
      .string()
      .trim()
      .min(1, "content must not be empty")
      .max(MAX_CONTENT_CHARS, `content is limited to ${MAX_CONTENT_CHARS} characters`)
      .openapi({ example: "Explain proof of work in two sentences." }),
  })
  .openapi("SendMessage");

export const ConversationSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    model: z.string().openapi({ description: "Model of the latest reply (the configured model before any)" }),
    message_count: z.number().int(),
    total_tokens: z.number().int().openapi({ description: "Sum of the provider-reported tokens of every reply" }),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Conversation");

export const MessageSchema = z
  .object({
    id: z.number().int(),
    conversation_id: z.number().int(),
    role: z.enum(MESSAGE_ROLES),
    content: z.string(),
    tokens: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "prompt_tokens + completion_tokens; null for user messages" }),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    model: z.string().nullable(),
    finish_reason: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("ChatMessage");

export const ConversationDetailSchema = ConversationSchema.extend({
  messages: z
    .array(MessageSchema)
    .openapi({ description: "The latest 100 messages, oldest first (all of them: GET …/messages)" }),
}).openapi("ConversationDetail");

export const conversationJson = (row: ConversationRow): z.infer<typeof ConversationSchema> => ({
  id: row.id,
  title: row.title,
  model: row.model,
  message_count: row.messageCount,
  total_tokens: row.totalTokens,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const messageJson = (row: MessageRow): z.infer<typeof MessageSchema> => ({
  id: row.id,
  conversation_id: row.conversationId,
  role: row.role,
  content: row.content,
  tokens:
    row.promptTokens === null && row.completionTokens === null
      ? null
      : (row.promptTokens ?? 0) + (row.completionTokens ?? 0),
  prompt_tokens: row.promptTokens,
  completion_tokens: row.completionTokens,
  model: row.model,
  finish_reason: row.finishReason,
  created_at: row.createdAt.toISOString(),
});
