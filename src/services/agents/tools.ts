/**
 * Tools an agent may call: the project's own services offered to the model as functions.
 *
 * Authority: every tool runs as the caller (`ToolContext.userId`) and nobody else. No tool takes a
 * user id from the model; everything it reads or writes is scoped to the caller by the service it
 * calls, so a model (or a prompt injected into what it reads) can never reach past the caller's rights.
 * Arguments are the model's JSON text: parsed and validated with the tool's zod schema before running.
 */
import { z } from "zod";
import { notifications } from "../../db/schema/index.ts";
import { SEARCH_KINDS } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import type { ToolSpec } from "../ai-chat/provider.ts";
import { listUserTransactions } from "../chain/reads.ts";
import { primaryWallet } from "../chain/transfer.ts";
import { findMail, listMailbox } from "../email/messages.ts";
import { search } from "../search/search.ts";
import { createPost } from "../social/posts.ts";

export type ToolContext = { db: Database; userId: number; chain: string };

/** A refusal the model is told about (the run continues): bad arguments, not allowed, not found. */
export class ToolRefused extends Error {
  override name = "ToolRefused";
}

type Tool<S extends z.ZodType> = {
  description: string;
  input: S;
  run(ctx: ToolContext, args: z.infer<S>): Promise<unknown>;
  /** Response-cache tags a successful call makes stale (lib/response-cache.ts). */
  invalidates?: string[];
};
const tool = <S extends z.ZodType>(t: Tool<S>) => t as unknown as Tool<z.ZodType>;

const preview = (text: string, max = 280) => (text.length > max ? `${text.slice(0, max)}…` : text);

export const TOOLS = {
  search: tool({
    description: "Full-text search over the caller's own mail, posts, videos, files, vault entries and notes.",
    input: z.strictObject({
      query: z.string().trim().min(1).max(200),
      kinds: z.array(z.enum(SEARCH_KINDS)).max(SEARCH_KINDS.length).optional(),
      limit: z.number().int().min(1).max(20).optional(),
    }),
    async run(ctx, a) {
      const page = await search(ctx.db, {
        userId: ctx.userId,
        q: a.query,
        kinds: a.kinds?.length ? a.kinds : SEARCH_KINDS,
        limit: a.limit ?? 10,
        cursor: null,
      });
      return page.results.map((r) => ({ type: r.type, id: r.id, title: r.title, snippet: r.snippet }));
    },
  }),
  list_mail: tool({
    description: "The caller's latest mail in one folder (subject, sender, a preview of the body).",
    input: z.strictObject({
      folder: z.enum(["inbox", "sent", "drafts", "spam", "trash"]).optional(),
      limit: z.number().int().min(1).max(20).optional(),
    }),
    async run(ctx, a) {
      const page = await listMailbox(
        ctx.db,
        ctx.userId,
        { folderType: a.folder ?? "inbox" },
        { limit: a.limit ?? 10, offset: 0 },
      );
      return {
        total: page.total,
        unread: page.unread,
        messages: page.rows.map((m) => ({
          id: m.id,
          from: m.senderEmail,
          subject: m.subject,
          preview: preview(m.body),
          is_read: m.isRead,
          created_at: m.createdAt.toISOString(),
        })),
      };
    },
  }),
  read_mail: tool({
    description: "One message of the caller's mailbox, by the id list_mail or search gave.",
    input: z.strictObject({ id: z.number().int().positive().max(2_147_483_647) }),
    async run(ctx, a) {
      // Scoped to the caller's own mailbox: someone else's message is "not found", never read.
      const mail = await findMail(ctx.db, ctx.userId, a.id);
      if (!mail) throw new ToolRefused(`message ${a.id} is not in your mailbox`);
      return {
        id: mail.id,
        from: mail.senderEmail,
        to: mail.to,
        subject: mail.subject,
        body: mail.body,
        created_at: mail.createdAt.toISOString(),
      };
    },
  }),
  get_wallet: tool({
    description: "The caller's primary RoadChain wallet: address and balance.",
    input: z.strictObject({}),
    async run(ctx) {
      const wallet = await primaryWallet(ctx.db, ctx.userId);
      if (!wallet) throw new ToolRefused("you have no wallet");
      return { address: wallet.address, balance: wallet.balance, label: wallet.label };
    },
  }),
  list_transactions: tool({
    description: "The caller's RoadChain transactions (sent or received), newest first.",
    input: z.strictObject({ limit: z.number().int().min(1).max(50).optional() }),
    async run(ctx, a) {
      const rows = await listUserTransactions(ctx.db, ctx.chain, ctx.userId, { limit: a.limit ?? 20, offset: 0 });
      return rows.map((t) => ({
        hash: t.transaction_hash,
        from: t.from_address,
        to: t.to_address,
        amount: t.amount,
        fee: t.fee,
        message: t.message,
        confirmed: t.is_confirmed,
        created_at: t.created_at,
      }));
    },
  }),
  post_to_feed: tool({
    description: "Publishes a post on the caller's social feed.",
    invalidates: ["social"],
    input: z.strictObject({
      content: z.string().trim().min(1).max(5000),
      is_public: z.boolean().optional(),
    }),
    async run(ctx, a) {
      const post = await createPost(ctx.db, ctx.userId, { content: a.content, isPublic: a.is_public ?? true });
      return { id: post.id, created_at: post.createdAt.toISOString() };
    },
  }),
  notify_me: tool({
    description: "Sends the caller a notification (shown in Pocket OS).",
    input: z.strictObject({
      title: z.string().trim().min(1).max(255),
      body: z.string().max(1000).optional(),
      importance: z.enum(["low", "normal", "high"]).optional(),
    }),
    async run(ctx, a) {
      const [row] = await ctx.db
        .insert(notifications)
        .values({
          userId: ctx.userId,
          type: "agent",
          title: a.title,
          body: a.body ?? "",
          importance: a.importance ?? "normal",
          link: "app:agents",
        })
        .returning({ id: notifications.id });
      return { id: row!.id };
    },
  }),
} as const;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as [ToolName, ...ToolName[]];
export const isToolName = (name: string): name is ToolName => Object.hasOwn(TOOLS, name);

/** The function definitions offered to the model for these tools (JSON Schema from zod). */
export function toolSpecs(names: readonly string[]): ToolSpec[] {
  return names.filter(isToolName).map((name) => ({
    name,
    description: TOOLS[name].description,
    parameters: z.toJSONSchema(TOOLS[name].input, { target: "draft-7" }) as object,
  }));
}

/** Tool descriptions for the API (GET /api/agents/tools). */
export const toolCatalogue = () =>
  TOOL_NAMES.map((name) => ({
    name,
    description: TOOLS[name].description,
    parameters: z.toJSONSchema(TOOLS[name].input, { target: "draft-7" }) as Record<string, unknown>,
  }));

/** Parses and validates a model's arguments; a refusal names what is wrong. */
export function parseArguments(name: ToolName, raw: string): unknown {
  let json: unknown;
  try {
    json = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    throw new ToolRefused("arguments are not valid JSON");
  }
  const parsed = TOOLS[name].input.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(arguments)"}: ${i.message}`);
    throw new ToolRefused(`invalid arguments: ${issues.join("; ").slice(0, 300)}`);
  }
  return parsed.data;
}
