/**
 * Conversations and messages in Postgres. Every function takes the caller's user id and only ever
 * touches that user's rows, so "someone else's conversation" and "no such conversation" are the
 * same answer (undefined → 404) and nothing leaks that it exists.
 */
import { and, asc, desc, eq, getTableColumns, gt, type SQL, sql } from "drizzle-orm";
import { conversations, messages } from "../../db/schema/ai-chat.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { Pagination } from "../../lib/pagination.ts";
import { beforeTime, microsText, type TimeCursor } from "../../lib/time-cursor.ts";
import type { ChatMessage, Completion } from "./provider.ts";

export const DEFAULT_TITLE = "New Conversation";

/** The one answer for "not yours" and "does not exist". */
export const conversationNotFound = () => notFound("Conversation not found");
/** Messages included with a conversation (`GET /conversations/{id}`): the latest ones. */
export const EMBEDDED_MESSAGES = 100;
/** The context sent to the model: at most this many of the latest messages … */
export const HISTORY_MAX_MESSAGES = 20;
/** … and at most this many characters of them (the newest message is always sent). */
export const HISTORY_MAX_CHARS = 48_000;
const TITLE_FROM_MESSAGE_CHARS = 50;

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

const ownedBy = (userId: number, id: number) => and(eq(conversations.id, id), eq(conversations.userId, userId));

/**
 * Most recently active first, ties by id: `before` is a keyset cursor (the last conversation's
 * updated_at to the microsecond and its id) on conversations_user_updated_idx; `offset` the older
 * paging. A conversation that gets a message during a walk moves to the head: at most once in it.
 */
export function listConversations(
  db: Database,
  userId: number,
  page: Pagination & { before?: TimeCursor },
): Promise<(ConversationRow & { cursorAt: string })[]> {
  return db
    .select({ ...getTableColumns(conversations), cursorAt: microsText(conversations.updatedAt) })
    .from(conversations)
    .where(
      and(
        eq(conversations.userId, userId),
        page.before && beforeTime(conversations.updatedAt, conversations.id, page.before, "int"),
      ),
    )
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function createConversation(
  db: Database,
  userId: number,
  input: { title?: string; model: string },
): Promise<ConversationRow> {
  const [row] = await db
    .insert(conversations)
    .values({ userId, title: input.title || DEFAULT_TITLE, model: input.model })
    .returning();
  return row!;
}

export async function findConversation(db: Database, userId: number, id: number): Promise<ConversationRow | undefined> {
  const [row] = await db.select().from(conversations).where(ownedBy(userId, id)).limit(1);
  return row;
}

/** The conversation and its latest messages (oldest first), in one round trip. */
export async function findConversationWithMessages(db: Database, userId: number, id: number) {
  const [found, latest] = await db.batch([
    db.select().from(conversations).where(ownedBy(userId, id)).limit(1),
    ownedMessages(db, userId, id).orderBy(desc(messages.id)).limit(EMBEDDED_MESSAGES),
  ]);
  const conversation = found[0];
  return conversation && { conversation, messages: latest.reverse() };
}

export async function renameConversation(db: Database, userId: number, id: number, title: string) {
  const [row] = await db
    .update(conversations)
    .set({ title, updatedAt: sql`now()` })
    .where(ownedBy(userId, id))
    .returning();
  return row;
}

/** Deletes the conversation and (by cascade) its messages. False when it is not the caller's. */
export async function deleteConversation(db: Database, userId: number, id: number): Promise<boolean> {
  const deleted = await db.delete(conversations).where(ownedBy(userId, id)).returning({ id: conversations.id });
  return deleted.length > 0;
}

/**
 * A page of messages, oldest first (`after`: the last message id of the previous page, keyset on
 * messages_conversation_id_idx); undefined when the conversation is not the caller's.
 */
export async function listMessages(db: Database, userId: number, id: number, page: Pagination & { after?: number }) {
  const [found, rows] = await db.batch([
    db.select({ id: conversations.id }).from(conversations).where(ownedBy(userId, id)).limit(1),
    ownedMessages(db, userId, id, page.after === undefined ? undefined : gt(messages.id, page.after))
      .orderBy(asc(messages.id))
      .limit(page.limit)
      .offset(page.offset),
  ]);
  return found.length ? rows : undefined;
}

function ownedMessages(db: Database, userId: number, id: number, also?: SQL) {
  return db
    .select(getTableColumns(messages))
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.conversationId, id), eq(conversations.userId, userId), also))
    .$dynamic();
}

/** The title a default-titled conversation takes from its first message. */
export function titleFromMessage(content: string): string {
  const chars = Array.from(content.replace(/\s+/g, " ").trim());
  return chars.length > TITLE_FROM_MESSAGE_CHARS
    ? `${chars.slice(0, TITLE_FROM_MESSAGE_CHARS).join("")}...`
    : chars.join("");
}

/**
 * Stores the user's message and bumps the conversation (count, updated_at, a title for a new
 * conversation) atomically, and reads the context for the model in the same round trip.
 * The caller has found the conversation with `findConversation` (ownership never changes);
 * returns undefined when it has been deleted since.
 */
export async function appendUserMessage(db: Database, userId: number, conversationId: number, content: string) {
  try {
    const [inserted, updated, recent] = await db.batch([
      db.insert(messages).values({ conversationId, role: "user", content }).returning(),
      db
        .update(conversations)
        .set({
          messageCount: sql`${conversations.messageCount} + 1`,
          updatedAt: sql`now()`,
          title: sql`case when ${conversations.title} = ${DEFAULT_TITLE} then ${titleFromMessage(content)} else ${conversations.title} end`,
        })
        .where(ownedBy(userId, conversationId))
        .returning(),
      db
        .select({ role: messages.role, content: messages.content })
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(desc(messages.id))
        .limit(HISTORY_MAX_MESSAGES),
    ]);
    return { message: inserted[0]!, conversation: updated[0], context: boundedContext(recent) };
  } catch (err) {
    if (isForeignKeyViolation(err)) return undefined;
    throw err;
  }
}

/** Newest-first rows → the longest recent suffix of the conversation within the character budget, oldest first. */
export function boundedContext(newestFirst: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let chars = 0;
  for (const m of newestFirst.slice(0, HISTORY_MAX_MESSAGES)) {
    chars += m.content.length;
    if (out.length > 0 && chars > HISTORY_MAX_CHARS) break;
    out.push({ role: m.role, content: m.content });
  }
  return out.reverse();
}

/**
 * Stores a complete assistant reply and adds its usage to the conversation, atomically.
 * Returns undefined when the conversation was deleted while the reply was being generated.
 */
export async function appendAssistantMessage(db: Database, conversationId: number, completion: Completion) {
  const total = completion.usage?.total_tokens ?? 0;
  try {
    const [inserted] = await db.batch([
      db
        .insert(messages)
        .values({
          conversationId,
          role: "assistant",
          content: completion.content,
          promptTokens: completion.usage?.prompt_tokens ?? null,
          completionTokens: completion.usage?.completion_tokens ?? null,
          model: completion.model.slice(0, 100),
          finishReason: completion.finishReason?.slice(0, 50) ?? null,
        })
        .returning(),
      db
        .update(conversations)
        .set({
          messageCount: sql`${conversations.messageCount} + 1`,
          totalTokens: sql`${conversations.totalTokens} + ${total}`,
          model: completion.model.slice(0, 100),
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, conversationId)),
    ]);
    return inserted[0]!;
  } catch (err) {
    if (isForeignKeyViolation(err)) return undefined;
    throw err;
  }
}

/** SQLSTATE 23503, seen through drizzle's error wrapper. */
function isForeignKeyViolation(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === "object" && depth < 6;
    depth++
  ) {
    if (e.code === "23503") return true;
    e = e.cause as typeof e;
  }
  return false;
}
