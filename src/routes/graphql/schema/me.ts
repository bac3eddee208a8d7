import { ApiError, unauthorized } from "../../../lib/errors.ts";
import { decodeNameCursor, encodeNameCursor } from "../../../lib/name-cursor.ts";
import { findUserView, type UserView } from "../../../services/auth/users.ts";
import { listFolders, type FolderRow as MailFolderRow } from "../../../services/email/folders.ts";
import { listMailbox, type MailRow } from "../../../services/email/messages.ts";
import { getFolder } from "../../../services/files/folders.ts";
import { type FileRow, listFiles } from "../../../services/files/rows.ts";
import { listNotifications, type NotificationRow, unreadCount } from "../../../services/notifications/notifications.ts";
import { builder } from "./builder.ts";
import { myTransactions, myWallet, TransactionConnection, WalletRef } from "./chain.ts";
import { connection, connectionArgs, cursorPage, keysetPage } from "./connections.ts";
import { viewer } from "./context.ts";
import { id } from "./inputs.ts";

const MailFolderType = builder.enumType("MailFolderType", {
  values: ["inbox", "sent", "drafts", "spam", "trash", "custom"] as const,
});
const SystemFolder = builder.enumType("SystemMailFolder", {
  values: ["inbox", "sent", "drafts", "spam", "trash"] as const,
});

const MailFolderRef = builder.objectRef<MailFolderRow>("MailFolder").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    name: t.exposeString("name"),
    icon: t.exposeString("icon", { nullable: true }),
    folderType: t.field({ type: MailFolderType, resolve: (f) => f.folderType }),
    totalCount: t.exposeInt("totalCount"),
    unreadCount: t.exposeInt("unreadCount"),
  }),
});

export const MailRef = builder.objectRef<MailRow>("Mail").implement({
  description: "My copy of a RoadMail message",
  fields: (t) => ({
    id: t.exposeInt("id"),
    threadId: t.exposeInt("threadId"),
    inReplyTo: t.exposeInt("inReplyTo", { nullable: true }),
    folderId: t.exposeInt("folderId"),
    senderEmail: t.exposeString("senderEmail"),
    senderName: t.exposeString("senderName", { nullable: true }),
    to: t.exposeStringList("to"),
    cc: t.exposeStringList("cc"),
    bcc: t.exposeStringList("bcc", { nullable: true, description: "Only on my own sent copy" }),
    subject: t.exposeString("subject"),
    body: t.exposeString("body"),
    isRead: t.exposeBoolean("isRead"),
    isStarred: t.exposeBoolean("isStarred"),
    isDraft: t.exposeBoolean("isDraft"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    sentAt: t.expose("sentAt", { type: "DateTime", nullable: true }),
  }),
});
const MailConnection = connection("Mail", MailRef);

const Importance = builder.enumType("Importance", { values: ["low", "normal", "high"] as const });
export const NotificationRef = builder.objectRef<NotificationRow>("Notification").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    type: t.exposeString("type"),
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    importance: t.field({ type: Importance, resolve: (n) => n.importance }),
    link: t.exposeString("link", { nullable: true }),
    actorId: t.exposeInt("actorId", { nullable: true }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
const NotificationConnection = connection("Notification", NotificationRef);

const FileRef = builder.objectRef<FileRow>("File").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    folderId: t.exposeInt("folderId", { nullable: true }),
    name: t.exposeString("name"),
    contentType: t.exposeString("contentType"),
    size: t.exposeFloat("size"),
    etag: t.exposeString("etag"),
    version: t.exposeInt("version"),
    isPublic: t.exposeBoolean("isPublic"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
const FileConnection = connection("File", FileRef);

export const MeRef = builder.objectRef<UserView>("Me").implement({
  description: "The signed-in user (as GET /api/auth/me) and everything that is theirs",
  fields: (t) => ({
    id: t.exposeInt("id"),
    username: t.exposeString("username"),
    email: t.exposeString("email"),
    fullName: t.exposeString("full_name", { nullable: true }),
    avatarUrl: t.exposeString("avatar_url", { nullable: true }),
    bio: t.exposeString("bio", { nullable: true }),
    isVerified: t.exposeBoolean("is_verified"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    wallet: t.field({ type: WalletRef, resolve: (_u, _a, ctx) => myWallet(ctx) }),
    transactions: t.field({
      type: TransactionConnection,
      description: "From or to any of my wallets, newest first",
      args: connectionArgs,
      resolve: (_u, args, ctx) => myTransactions(ctx, args),
    }),
    notifications: t.field({
      type: NotificationConnection,
      args: { ...connectionArgs, unreadOnly: t.arg.boolean(), importance: t.arg({ type: Importance }) },
      resolve: (u, args, ctx) =>
        keysetPage(args, (page) =>
          listNotifications(ctx.db, u.id, {
            ...page,
            unreadOnly: args.unreadOnly ?? false,
            ...(args.importance ? { importance: args.importance } : {}),
          }),
        ),
    }),
    unreadNotificationCount: t.int({ resolve: (u, _a, ctx) => unreadCount(ctx.db, u.id) }),
    mailFolders: t.field({ type: [MailFolderRef], resolve: (u, _a, ctx) => listFolders(ctx.db, u.id) }),
    mailbox: t.field({
      type: MailConnection,
      description: "One folder's mail, newest first: a system folder by kind, or my own folder by id (give one)",
      args: { ...connectionArgs, folder: t.arg({ type: SystemFolder }), folderId: t.arg.int() },
      resolve: (u, args, ctx) => {
        if ((args.folder == null) === (args.folderId == null)) {
          throw new ApiError(422, "validation-error", "mailbox: give exactly one of folder and folderId", {
            errors: [{ path: "folder", message: "give exactly one of folder and folderId" }],
          });
        }
        const filter = args.folder != null ? { folderType: args.folder } : { folderId: id(args.folderId!, "folderId") };
        return keysetPage(args, async (page) => (await listMailbox(ctx.db, u.id, filter, page)).rows);
      },
    }),
    files: t.field({
      type: FileConnection,
      description: "My files in a folder (the root without folderId)",
      args: { ...connectionArgs, folderId: t.arg.int() },
      resolve: async (u, args, ctx) => {
        const folderId = args.folderId == null ? null : id(args.folderId, "folderId");
        if (folderId !== null) await getFolder(ctx.db, u.id, folderId); // someone else's folder: 404
        // The REST list's cursor (by name): an opaque name cursor.
        return cursorPage(
          args,
          (page) => listFiles(ctx.db, u.id, folderId, { ...page, after: page.cursor }),
          (f) => encodeNameCursor({ name: f.nameKey, id: f.id }),
          decodeNameCursor,
        );
      },
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: MeRef,
    resolve: async (_r, _a, ctx) => {
      const user = await findUserView(ctx.db, viewer(ctx));
      if (!user) throw unauthorized("Could not validate credentials");
      if (!user.is_active) throw new ApiError(403, "inactive-user", "Inactive user");
      return user;
    },
  }),
}));
