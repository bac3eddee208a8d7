import type { Context } from "hono";
import { countEvent } from "../../lib/metrics/index.ts";
import { invalidateCache } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import * as compose from "../../services/email/compose.ts";
import * as folders from "../../services/email/folders.ts";
import * as mail from "../../services/email/messages.ts";
import { boundRecipientProbes } from "../../services/email/recipient-probes.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import { byId, setNextPage } from "../keyset.ts";
import { auditLater } from "../request-kit.ts";
import type * as routes from "./email.routes.ts";
import { emailJson, folderJson } from "./email.schemas.ts";

/** Mailbox changes invalidate the cached views that count mail (the dashboard), per affected user. */
const mailChanged = (c: Context<AppBindings>, userIds: number[]) =>
  invalidateCache(
    c.var.services.redis,
    [...new Set(userIds)].map((id) => `mail:${id}`),
  );

function listResponse(c: Context<AppBindings>, page: mail.MailPage, limit: number) {
  c.header("X-Total-Count", String(page.total));
  c.header("X-Unread-Count", String(page.unread));
  setNextPage(c, page.rows, limit, byId);
  return c.json(page.rows.map(emailJson), 200);
}

/** The wire's `in_reply_to` is the service's `inReplyTo`; every other compose field keeps its name. */
function composeInput<T extends { in_reply_to?: number | null }>({ in_reply_to, ...fields }: T) {
  return { ...fields, inReplyTo: in_reply_to };
}

async function copyOf(c: Context<AppBindings>, userId: number, id: number) {
  const row = await mail.findMail(c.var.services.db, userId, id);
  if (!row) throw mail.mailNotFound();
  return emailJson(row);
}

export const listFolders: AppRouteHandler<typeof routes.listFolders> = async (c) => {
  const rows = await folders.listFolders(c.var.services.db, getAuth(c).userId);
  return c.json(rows.map(folderJson), 200);
};

export const createFolder: AppRouteHandler<typeof routes.createFolder> = async (c) => {
  const row = await folders.createFolder(c.var.services.db, getAuth(c).userId, c.req.valid("json"));
  return c.json(folderJson(row), 201);
};

export const deleteFolder: AppRouteHandler<typeof routes.deleteFolder> = async (c) => {
  const { userId } = getAuth(c);
  await folders.deleteFolder(c.var.services.db, userId, c.req.valid("param").id);
  await mailChanged(c, [userId]);
  return c.body(null, 204);
};

export const listFolderEmails: AppRouteHandler<typeof routes.listFolderEmails> = async (c) => {
  const page = await mail.listMailbox(
    c.var.services.db,
    getAuth(c).userId,
    { folderId: c.req.valid("param").id },
    c.req.valid("query"),
  );
  return listResponse(c, page, c.req.valid("query").limit);
};

export const inbox: AppRouteHandler<typeof routes.inbox> = async (c) =>
  listResponse(
    c,
    await mail.listMailbox(c.var.services.db, getAuth(c).userId, { folderType: "inbox" }, c.req.valid("query")),
    c.req.valid("query").limit,
  );

export const sent: AppRouteHandler<typeof routes.sent> = async (c) =>
  listResponse(
    c,
    await mail.listMailbox(c.var.services.db, getAuth(c).userId, { folderType: "sent" }, c.req.valid("query")),
    c.req.valid("query").limit,
  );

export const drafts: AppRouteHandler<typeof routes.drafts> = async (c) =>
  listResponse(
    c,
    await mail.listMailbox(c.var.services.db, getAuth(c).userId, { folderType: "drafts" }, c.req.valid("query")),
    c.req.valid("query").limit,
  );

export const send: AppRouteHandler<typeof routes.send> = async (c) => {
  const { userId } = getAuth(c);
  const b = c.req.valid("json");
  const result = await boundRecipientProbes(c.var.services.redis, userId, () =>
    compose.sendEmail(c.var.services.db, userId, composeInput(b)),
  );
  await mailChanged(c, [userId, ...result.recipientIds]);
  auditLater(c, "email.sent", { email_id: result.senderCopyId, recipients: result.recipientIds.length });
  countEvent("blackroad_mail_sent_total");
  return c.json(await copyOf(c, userId, result.senderCopyId), 201);
};

export const createDraft: AppRouteHandler<typeof routes.createDraft> = async (c) => {
  const { userId } = getAuth(c);
  const b = c.req.valid("json");
  const id = await compose.createDraft(c.var.services.db, userId, composeInput(b));
  await mailChanged(c, [userId]);
  return c.json(await copyOf(c, userId, id), 201);
};

export const updateDraft: AppRouteHandler<typeof routes.updateDraft> = async (c) => {
  const { userId } = getAuth(c);
  const { id } = c.req.valid("param");
  const b = c.req.valid("json");
  await compose.updateDraft(c.var.services.db, userId, id, composeInput(b));
  return c.json(await copyOf(c, userId, id), 200);
};

export const sendDraft: AppRouteHandler<typeof routes.sendDraft> = async (c) => {
  const { userId } = getAuth(c);
  const { id } = c.req.valid("param");
  const result = await boundRecipientProbes(c.var.services.redis, userId, () =>
    compose.sendDraft(c.var.services.db, userId, id),
  );
  await mailChanged(c, [userId, ...result.recipientIds]);
  auditLater(c, "email.sent", {
    email_id: result.senderCopyId,
    recipients: result.recipientIds.length,
    from_draft: true,
  });
  countEvent("blackroad_mail_sent_total");
  return c.json(await copyOf(c, userId, result.senderCopyId), 200);
};

export const getEmail: AppRouteHandler<typeof routes.getEmail> = async (c) => {
  const { userId } = getAuth(c);
  const { mail: row, markedRead } = await mail.openMail(c.var.services.db, userId, c.req.valid("param").id);
  if (markedRead) await mailChanged(c, [userId]);
  return c.json(emailJson(row), 200);
};

export const getThread: AppRouteHandler<typeof routes.getThread> = async (c) => {
  const rows = await mail.getThread(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.json(rows.map(emailJson), 200);
};

export const updateEmail: AppRouteHandler<typeof routes.updateEmail> = async (c) => {
  const { userId } = getAuth(c);
  const b = c.req.valid("json");
  const row = await mail.updateMail(c.var.services.db, userId, c.req.valid("param").id, {
    isRead: b.is_read,
    isStarred: b.is_starred,
    folderId: b.folder_id,
  });
  await mailChanged(c, [userId]);
  return c.json(emailJson(row), 200);
};

export const deleteEmail: AppRouteHandler<typeof routes.deleteEmail> = async (c) => {
  const { userId } = getAuth(c);
  await mail.deleteMail(c.var.services.db, userId, c.req.valid("param").id);
  await mailChanged(c, [userId]);
  return c.body(null, 204);
};
