import { z } from "@hono/zod-openapi";
import { EMAIL_FOLDER_TYPES } from "../../lib/constants.ts";
import type { FolderRow } from "../../services/email/folders.ts";
import type { MailRow } from "../../services/email/messages.ts";

export const MAX_RECIPIENTS = 50;
export const MAX_SUBJECT = 500;
export const MAX_BODY_CHARS = 200_000;

/** An address: surrounding spaces trimmed, then a strict format check (no CR/LF, no display names). */
const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("must be a valid email address"))
  .openapi({ example: "bob@example.com" });

/** `cc`/`bcc`: a list of addresses; `null` or absent means none. */
const AddressList = z
  .array(Email)
  .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} addresses`)
  .nullish()
  .transform((v) => v ?? [])
  .openapi({ type: "array", items: { type: "string", format: "email" }, example: [] });

/** `to`: one address (the original's form) or a list of them. */
const ToField = z
  .union([Email.transform((a) => [a]), z.array(Email).min(1, "at least one recipient").max(MAX_RECIPIENTS)])
  .openapi({ description: "One address or a list of addresses", example: "bob@example.com" });

const Subject = z
  .string()
  .max(MAX_SUBJECT, `subject is limited to ${MAX_SUBJECT} characters`)
  .openapi({ example: "Lunch?" });
const Body = z
  .string()
  .max(MAX_BODY_CHARS, `body is limited to ${MAX_BODY_CHARS} characters`)
  .openapi({ example: "Noon at the usual place." });
const InReplyTo = z
  .number()
  .int()
  .positive()
  .max(2_147_483_647)
  .nullish()
  .openapi({ description: "The `id` of the email (in my mailbox) this replies to; the reply joins its thread" });

export const SendEmailBody = z
  .strictObject({
    to: ToField,
    subject: Subject,
    body: Body,
    cc: AddressList,
    bcc: AddressList,
    in_reply_to: InReplyTo,
  })
  .openapi("SendEmail");

export const DraftBody = z
  .strictObject({
    to: z
      .union([ToField, z.null()])
      .optional()
      .transform((v) => v ?? []),
    subject: Subject.nullish().transform((v) => v ?? ""),
    body: Body.nullish().transform((v) => v ?? ""),
    cc: AddressList,
    bcc: AddressList,
    in_reply_to: InReplyTo,
  })
  .openapi("Draft");

export const DraftPatchBody = z
  .strictObject({
    to: z
      .union([ToField, z.null()])
      .optional()
      .transform((v) => (v === null ? [] : v)),
    subject: Subject.optional(),
    body: Body.optional(),
    cc: AddressList.optional(),
    bcc: AddressList.optional(),
    in_reply_to: InReplyTo,
  })
  .openapi("DraftPatch");

export const MailPatchBody = z
  .strictObject({
    is_read: z.boolean().optional(),
    is_starred: z.boolean().optional(),
    folder_id: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .optional()
      .openapi({ description: "Move to this folder of mine" }),
  })
  .openapi("EmailPatch");

export const CreateFolderBody = z
  .strictObject({
    name: z.string().trim().min(1, "name must not be empty").max(100).openapi({ example: "Receipts" }),
    icon: z.string().trim().max(50).nullish().openapi({ example: "🧾" }),
  })
  .openapi("CreateFolder");

export const EmailSchema = z
  .object({
    id: z
      .number()
      .int()
      .openapi({ description: "This copy's id in my mailbox (use it for every /api/email/{id} call)" }),
    message_id: z.number().int().openapi({ description: "The message shared by all its copies" }),
    thread_id: z.number().int(),
    in_reply_to: z.number().int().nullable().openapi({ description: "message_id of the parent" }),
    folder_id: z.number().int(),
    folder: z.enum(EMAIL_FOLDER_TYPES),
    sender_email: z.string(),
    sender_name: z.string().nullable(),
    recipient_email: z
      .string()
      .nullable()
      .openapi({ description: "The first `to` address (the original's single recipient)" }),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()).nullable().openapi({ description: "Only on the sender's own copy; null for recipients" }),
    subject: z.string(),
    body: z.string(),
    is_read: z.boolean(),
    is_starred: z.boolean(),
    is_draft: z.boolean(),
    created_at: z.string().openapi({ format: "date-time" }),
    sent_at: z.string().nullable().openapi({ format: "date-time" }),
    read_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("Email");

export const FolderSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    icon: z.string().nullable(),
    folder_type: z.enum(EMAIL_FOLDER_TYPES),
    total_count: z.number().int(),
    unread_count: z.number().int(),
  })
  .openapi("EmailFolder");

export function emailJson(m: MailRow): z.infer<typeof EmailSchema> {
  return {
    id: m.id,
    message_id: m.messageId,
    thread_id: m.threadId,
    in_reply_to: m.inReplyTo,
    folder_id: m.folderId,
    folder: m.folderType,
    sender_email: m.senderEmail,
    sender_name: m.senderName,
    recipient_email: m.to[0] ?? null,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    subject: m.subject,
    body: m.body,
    is_read: m.isRead,
    is_starred: m.isStarred,
    is_draft: m.isDraft,
    created_at: m.createdAt.toISOString(),
    sent_at: m.sentAt?.toISOString() ?? null,
    read_at: m.readAt?.toISOString() ?? null,
  };
}

export function folderJson(f: FolderRow): z.infer<typeof FolderSchema> {
  return {
    id: f.id,
    name: f.name,
    icon: f.icon,
    folder_type: f.folderType,
    total_count: f.totalCount,
    unread_count: f.unreadCount,
  };
}
