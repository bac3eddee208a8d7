import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { emailFolders, emailMailbox, emails, users } from "../../db/schema/index.ts";
import type { MailboxRole } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import { ApiError, conflict, notFound, unprocessable } from "../../lib/errors.ts";
import { ensureSystemFolders } from "./folders.ts";
import { mailNotFound } from "./messages.ts";

export type Recipients = { to: string[]; cc: string[]; bcc: string[] };
export type ComposeInput = Recipients & { subject: string; body: string; inReplyTo?: number | null };
export type DraftPatch = Partial<ComposeInput>;

/** Who took part in a delivery: each user gets one copy, as the most visible role they were named in. */
export type SendResult = { senderCopyId: number; recipientIds: number[] };

type Party = { id: number; email: string; name: string };

/** A 404 naming the first unknown address; `distinct` counts the unknown ones (see recipient-probes.ts). */
export class UnknownRecipientError extends ApiError {
  constructor(
    first: string,
    readonly distinct: number,
  ) {
    super(404, "not-found", `Recipient not found: ${first}`);
  }
}

/**
 * Looks up me and every address (case-insensitively: emails are unique regardless of case).
 * Any unknown address is a 404 that names it, before anything is written.
 */
async function lookupParties(db: Database, userId: number, addresses: string[]) {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const rows = await db
    .select({ id: users.id, email: users.email, name: sql<string>`coalesce(${users.fullName}, ${users.username})` })
    .from(users)
    .where(or(eq(users.id, userId), wanted.length ? inArray(sql`lower(${users.email})`, wanted) : sql`false`));
  const byAddress = new Map(rows.map((r) => [r.email.toLowerCase(), r as Party]));
  const sender = rows.find((r) => r.id === userId);
  if (!sender) throw notFound("User not found");
  const unknown = addresses.filter((a) => !byAddress.has(a.toLowerCase()));
  if (unknown.length) throw new UnknownRecipientError(unknown[0]!, new Set(unknown.map((a) => a.toLowerCase())).size);
  return { sender, resolve: (a: string) => byAddress.get(a.toLowerCase())! };
}

/** The parent of a reply: a sent message I hold a copy of (by my copy's id). */
async function findParent(db: Database, userId: number, inReplyTo: number) {
  const [row] = await db
    .select({ messageId: emails.id, threadId: sql<number>`coalesce(${emails.threadId}, ${emails.id})`.mapWith(Number) })
    .from(emailMailbox)
    .innerJoin(emails, eq(emails.id, emailMailbox.emailId))
    .where(and(eq(emailMailbox.id, inReplyTo), eq(emailMailbox.userId, userId), eq(emails.isDraft, false)));
  if (!row) throw notFound("The email to reply to was not found");
  return row;
}

/** Recipient copies: one per user, in the most visible role they were named in (to > cc > bcc). */
function recipientCopies(resolved: { to: Party[]; cc: Party[]; bcc: Party[] }) {
  const copies = new Map<number, MailboxRole>();
  for (const role of ["to", "cc", "bcc"] as const) {
    for (const p of resolved[role]) if (!copies.has(p.id)) copies.set(p.id, role);
  }
  return [...copies].map(([userId, role]) => ({ userId, role }));
}

const textArray = (values: string[]): SQL =>
  values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;

/** `(user_id, role, folder_type, is_read)` rows for a VALUES list. */
function copyRows(rows: Array<{ userId: number; role: MailboxRole; folder: string; isRead: boolean }>): SQL {
  return sql.join(
    rows.map((r) => sql`(${r.userId}::int, ${r.role}::text, ${r.folder}::text, ${r.isRead}::boolean)`),
    sql`, `,
  );
}

function dedupe(addresses: string[]) {
  const seen = new Set<string>();
  return addresses.filter((a) => !seen.has(a.toLowerCase()) && !!seen.add(a.toLowerCase()));
}

async function resolveAll(db: Database, userId: number, r: Recipients) {
  const { sender, resolve } = await lookupParties(db, userId, [...r.to, ...r.cc, ...r.bcc]);
  const resolved = { to: dedupe(r.to).map(resolve), cc: dedupe(r.cc).map(resolve), bcc: dedupe(r.bcc).map(resolve) };
  return { sender, resolved, copies: recipientCopies(resolved) };
}

/**
 * Sends a message: the message row and every copy (mine in Sent, one per recipient in their Inbox)
 * are written by one statement, after the system folders of everyone involved exist — one batch,
 * one transaction: either everybody has it or nobody does.
 */
export async function sendEmail(db: Database, userId: number, input: ComposeInput): Promise<SendResult> {
  const [{ sender, resolved, copies }, parent] = await Promise.all([
    resolveAll(db, userId, input),
    input.inReplyTo ? findParent(db, userId, input.inReplyTo) : undefined,
  ]);
  const rows = [
    { userId, role: "sender" as const, folder: "sent", isRead: true },
    ...copies.map((c) => ({ ...c, folder: "inbox", isRead: false })),
  ];
  const [, result] = await db.batch([
    ensureSystemFolders(
      db,
      rows.map((r) => r.userId),
    ),
    db.execute<{ id: number; role: MailboxRole }>(sql`
      with msg as (
        insert into ${emails} (sender_id, sender_email, sender_name, to_addresses, cc_addresses, bcc_addresses,
                               subject, body, thread_id, in_reply_to, is_draft, sent_at)
        values (${userId}, ${sender.email}, ${sender.name}, ${textArray(resolved.to.map((p) => p.email))},
                ${textArray(resolved.cc.map((p) => p.email))}, ${textArray(resolved.bcc.map((p) => p.email))},
                ${input.subject}, ${input.body}, ${parent?.threadId ?? null}::int, ${parent?.messageId ?? null}::int, false, now())
        returning id
      )
      insert into ${emailMailbox} (email_id, user_id, folder_id, role, is_read, read_at)
      select msg.id, d.user_id, f.id, d.role, d.is_read, case when d.is_read then now() end
      from msg cross join (values ${copyRows(rows)}) as d(user_id, role, folder_type, is_read)
      join ${emailFolders} f on f.user_id = d.user_id and f.folder_type = d.folder_type
      returning id, role`),
  ]);
  const senderCopy = result.rows.find((r) => r.role === "sender");
  if (!senderCopy) throw new Error("send wrote no sender copy");
  return { senderCopyId: Number(senderCopy.id), recipientIds: copies.map((c) => c.userId) };
}

/** Saves a draft in my Drafts. Addresses are only checked for format until it is sent. */
export async function createDraft(db: Database, userId: number, input: ComposeInput): Promise<number> {
  const [[sender], parent] = await Promise.all([
    db
      .select({ email: users.email, name: sql<string>`coalesce(${users.fullName}, ${users.username})` })
      .from(users)
      .where(eq(users.id, userId)),
    input.inReplyTo ? findParent(db, userId, input.inReplyTo) : undefined,
  ]);
  if (!sender) throw notFound("User not found");
  const [, result] = await db.batch([
    ensureSystemFolders(db, [userId]),
    db.execute<{ id: number }>(sql`
      with msg as (
        insert into ${emails} (sender_id, sender_email, sender_name, to_addresses, cc_addresses, bcc_addresses,
                               subject, body, thread_id, in_reply_to, is_draft)
        values (${userId}, ${sender.email}, ${sender.name}, ${textArray(input.to)}, ${textArray(input.cc)}, ${textArray(input.bcc)},
                ${input.subject}, ${input.body}, ${parent?.threadId ?? null}::int, ${parent?.messageId ?? null}::int, true)
        returning id
      )
      insert into ${emailMailbox} (email_id, user_id, folder_id, role, is_read, read_at)
      select msg.id, ${userId}, f.id, 'sender', true, now()
      from msg join ${emailFolders} f on f.user_id = ${userId} and f.folder_type = 'drafts'
      returning id`),
  ]);
  return Number(result.rows[0]!.id);
}

/** The message behind a draft copy of mine; 404 if it is not mine, 409 if it was sent already. */
// A deleted draft sits in Trash until deleted for good; it cannot leave Trash (drafts cannot be
// moved), so sending or editing it would resurrect a message its author threw away.
const draftInTrash = () =>
  conflict("This draft is in Trash; deleted drafts cannot be edited or sent", "draft-in-trash");

async function findDraft(db: Database, userId: number, id: number) {
  const [row] = await db
    .select({
      emailId: emails.id,
      isDraft: emails.isDraft,
      folderType: emailFolders.folderType,
      to: emails.toAddresses,
      cc: emails.ccAddresses,
      bcc: emails.bccAddresses,
    })
    .from(emailMailbox)
    .innerJoin(emails, eq(emails.id, emailMailbox.emailId))
    .innerJoin(emailFolders, eq(emailFolders.id, emailMailbox.folderId))
    .where(and(eq(emailMailbox.id, id), eq(emailMailbox.userId, userId), eq(emailMailbox.role, "sender")));
  if (!row) throw mailNotFound();
  if (!row.isDraft) throw conflict("This email was already sent; drafts only", "not-a-draft");
  if (row.folderType !== "drafts") throw draftInTrash();
  return row;
}

export async function updateDraft(db: Database, userId: number, id: number, patch: DraftPatch): Promise<void> {
  const draft = await findDraft(db, userId, id);
  const parent = patch.inReplyTo ? await findParent(db, userId, patch.inReplyTo) : undefined;
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  if (patch.to !== undefined) set.toAddresses = patch.to;
  if (patch.cc !== undefined) set.ccAddresses = patch.cc;
  if (patch.bcc !== undefined) set.bccAddresses = patch.bcc;
  if (patch.subject !== undefined) set.subject = patch.subject;
  if (patch.body !== undefined) set.body = patch.body;
  if (patch.inReplyTo !== undefined)
    Object.assign(set, { inReplyTo: parent?.messageId ?? null, threadId: parent?.threadId ?? null });
  const updated = await db
    .update(emails)
    .set(set)
    .where(and(eq(emails.id, draft.emailId), eq(emails.isDraft, true)))
    .returning({ id: emails.id });
  if (updated.length === 0) throw conflict("This email was already sent; drafts only", "not-a-draft");
}

/**
 * Sends a draft: the same delivery as `sendEmail`, guarded by `is_draft` (and the copy still being
 * in Drafts) in the same statement, so two concurrent sends deliver once (the loser gets a 409).
 */
export async function sendDraft(db: Database, userId: number, id: number): Promise<SendResult> {
  const draft = await findDraft(db, userId, id);
  if (draft.to.length === 0)
    throw unprocessable("to: a draft needs at least one recipient before it can be sent", [
      { path: "to", message: "Required" },
    ]);
  const { resolved, copies } = await resolveAll(db, userId, draft);
  const rows = copies.map((c) => ({ ...c, folder: "inbox", isRead: false }));
  const [, result] = await db.batch([
    ensureSystemFolders(db, [userId, ...rows.map((r) => r.userId)]),
    db.execute<{ sent: number }>(sql`
      with msg as (
        update ${emails} set is_draft = false, sent_at = now(), updated_at = now(),
          to_addresses = ${textArray(resolved.to.map((p) => p.email))},
          cc_addresses = ${textArray(resolved.cc.map((p) => p.email))},
          bcc_addresses = ${textArray(resolved.bcc.map((p) => p.email))}
        where id = ${draft.emailId} and is_draft
          and exists (select 1 from ${emailMailbox} m join ${emailFolders} f on f.id = m.folder_id
                      where m.id = ${id} and f.folder_type = 'drafts')
        returning id
      ), moved as (
        update ${emailMailbox} set folder_id = (select f.id from ${emailFolders} f where f.user_id = ${userId} and f.folder_type = 'sent')
        where id = ${id} and email_id in (select id from msg)
        returning id
      ), copies as (
        insert into ${emailMailbox} (email_id, user_id, folder_id, role, is_read)
        select msg.id, d.user_id, f.id, d.role, d.is_read
        from msg cross join (values ${copyRows(rows)}) as d(user_id, role, folder_type, is_read)
        join ${emailFolders} f on f.user_id = d.user_id and f.folder_type = d.folder_type
        returning id
      )
      select (select count(*) from msg)::int as sent, (select count(*) from moved)::int as moved, (select count(*) from copies)::int as copies`),
  ]);
  if (!result.rows[0]?.sent) {
    await findDraft(db, userId, id); // sent or trashed meanwhile: throws the matching 409 (or 404)
    throw conflict("This draft changed while it was being sent; try again", "draft-changed");
  }
  return { senderCopyId: id, recipientIds: copies.map((c) => c.userId) };
}
