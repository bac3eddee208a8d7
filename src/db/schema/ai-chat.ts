import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { MESSAGE_ROLES } from "../../lib/constants.ts";
import { users } from "./users.ts";

/** AI chat conversations: one user's thread with the model, with running totals. */
export const conversations = pgTable(
  "conversations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 255 }).notNull().default("New Conversation"),
    // The model of the latest reply (the configured model when no reply exists yet).
    model: varchar("model", { length: 100 }).notNull(),
    messageCount: integer("message_count").notNull().default(0),
    totalTokens: integer("total_tokens").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The list is "mine, most recently active first".
    index("conversations_user_updated_idx").on(t.userId, t.updatedAt.desc(), t.id.desc()),
    check("conversations_counts_non_negative", sql`${t.messageCount} >= 0 and ${t.totalTokens} >= 0`),
  ],
);

/**
 * Messages of a conversation. Token counts are the provider's usage for the completion that
 * produced an assistant message (its prompt includes the history); user messages have none.
 */
export const messages = pgTable(
  "messages",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: varchar("role", { length: 16, enum: MESSAGE_ROLES }).notNull(),
    content: text("content").notNull(),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    model: varchar("model", { length: 100 }),
    finishReason: varchar("finish_reason", { length: 50 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("messages_conversation_id_idx").on(t.conversationId, t.id),
    check("messages_role_valid", sql`${t.role} in ('user', 'assistant', 'system')`),
  ],
);
