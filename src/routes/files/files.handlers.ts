import type { Context } from "hono";
import { ApiError, unprocessable } from "../../lib/errors.ts";
import { encodeNameCursor } from "../../lib/name-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import { UPLOAD_ENVELOPE_BYTES } from "../../middleware/http-guards.ts";
import { serveFile } from "../../services/files/download.ts";
import * as folders from "../../services/files/folders.ts";
import { sanitizeName } from "../../services/files/names.ts";
import * as rows from "../../services/files/rows.ts";
import * as shares from "../../services/files/shares.ts";
import { type FileLimits, precheck, storeFile, tooLarge, usedBytes } from "../../services/files/storage.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import { setNextPage } from "../keyset.ts";
import type * as routes from "./files.routes.ts";
import { fileJson, folderJson, shareJson } from "./files.schemas.ts";

type C = Context<AppBindings, any, any>;
const TREE_CAP = 5000;

const limits = (c: C): FileLimits => ({
  maxFileBytes: c.var.config.FILES_MAX_FILE_BYTES,
  quotaBytes: c.var.config.FILES_QUOTA_BYTES,
});
const deps = (c: C) => ({ db: c.var.services.db, bucket: c.env.FILES, limits: limits(c) });

/** The declared Content-Length of a raw upload: required (411), and within the per-file limit (413). */
function contentLength(c: C): number {
  const raw = c.req.header("Content-Length");
  if (raw === undefined || !/^\d{1,15}$/.test(raw))
    throw new ApiError(411, "length-required", "Send the file with a Content-Length header");
  const length = Number(raw);
  if (length > c.var.config.FILES_MAX_FILE_BYTES)
    throw tooLarge(`Files are limited to ${c.var.config.FILES_MAX_FILE_BYTES} bytes; this one has ${length}`);
  return length;
}

/** The `file` part of the validated form (the body was limited while it was read: see http-guards). */
async function readUpload(
  form: Record<string, unknown>,
): Promise<{ name: string; type: string | undefined; bytes: Uint8Array }> {
  const file = form.file;
  if (!(file instanceof File))
    throw unprocessable("The form has no `file` part with a file in it", [{ path: "file", message: "Required" }]);
  return { name: file.name || "upload", type: file.type || undefined, bytes: new Uint8Array(await file.arrayBuffer()) };
}

export const listFolders: AppRouteHandler<typeof routes.listFolders> = async (c) => {
  const { userId } = getAuth(c);
  const parentId = c.req.valid("query").parent_id ?? null;
  if (parentId !== null) await folders.getFolder(c.var.services.db, userId, parentId);
  return c.json((await folders.listFolders(c.var.services.db, userId, parentId)).map(folderJson), 200);
};

export const createFolder: AppRouteHandler<typeof routes.createFolder> = async (c) => {
  const b = c.req.valid("json");
  const row = await folders.createFolder(
    c.var.services.db,
    getAuth(c).userId,
    sanitizeName(b.name),
    b.parent_id ?? null,
  );
  return c.json(folderJson(row), 201);
};

export const updateFolder: AppRouteHandler<typeof routes.updateFolder> = async (c) => {
  const b = c.req.valid("json");
  const row = await folders.updateFolder(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, {
    name: b.name === undefined ? undefined : sanitizeName(b.name),
    parentId: b.parent_id,
  });
  return c.json(folderJson(row), 200);
};

export const deleteFolder: AppRouteHandler<typeof routes.deleteFolder> = async (c) => {
  const r = await folders.deleteFolder(
    c.var.services.db,
    c.env.FILES,
    getAuth(c).userId,
    c.req.valid("param").id,
    c.req.valid("query").recursive,
  );
  return c.json({ deleted_files: r.files }, 200);
};

export const tree: AppRouteHandler<typeof routes.tree> = async (c) => {
  const { userId } = getAuth(c);
  const db = c.var.services.db;
  const [f, all] = await Promise.all([folders.listAllFolders(db, userId), rows.listAllFiles(db, userId, TREE_CAP + 1)]);
  return c.json(
    { folders: f.map(folderJson), files: all.slice(0, TREE_CAP).map(fileJson), truncated: all.length > TREE_CAP },
    200,
  );
};

export const usage: AppRouteHandler<typeof routes.usage> = async (c) => {
  const l = limits(c);
  return c.json(
    {
      used_bytes: await usedBytes(c.var.services.db, getAuth(c).userId),
      quota_bytes: l.quotaBytes,
      max_file_bytes: l.maxFileBytes,
    },
    200,
  );
};

export const listFiles: AppRouteHandler<typeof routes.listFiles> = async (c) => {
  const { userId } = getAuth(c);
  const { folder_id, ...page } = c.req.valid("query");
  if (folder_id !== undefined) await folders.getFolder(c.var.services.db, userId, folder_id);
  const list = await rows.listFiles(c.var.services.db, userId, folder_id ?? null, page);
  setNextPage(c, list, page.limit, (f) => encodeNameCursor({ name: f.nameKey, id: f.id }), "after");
  return c.json(list.map(fileJson), 200);
};

export const upload: AppRouteHandler<typeof routes.upload> = async (c) => {
  const { userId } = getAuth(c);
  const folderId = c.req.valid("query").folder_id ?? null;
  const declared = Number(c.req.header("Content-Length") ?? 0);
  if (declared > 0) await precheck(c.var.services.db, userId, Math.max(0, declared - UPLOAD_ENVELOPE_BYTES), limits(c));
  const file = await readUpload(c.req.valid("form"));
  const row = await storeFile(deps(c), {
    userId,
    folderId,
    name: sanitizeName(file.name, "file"),
    declaredType: file.type,
    body: { bytes: file.bytes },
  });
  return c.json(fileJson(row), 201);
};

export const uploadStream: AppRouteHandler<typeof routes.uploadStream> = async (c) => {
  const { userId } = getAuth(c);
  const q = c.req.valid("query");
  const name = sanitizeName(q.name);
  const length = contentLength(c);
  await precheck(c.var.services.db, userId, length, limits(c));
  const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  const row = await storeFile(deps(c), {
    userId,
    folderId: q.folder_id ?? null,
    name,
    declaredType: c.req.header("Content-Type"),
    body: { stream: body, length },
  });
  return c.json(fileJson(row), 201);
};

export const replaceContent: AppRouteHandler<typeof routes.replaceContent> = async (c) => {
  const { userId } = getAuth(c);
  const current = await rows.getOwnFile(c.var.services.db, userId, c.req.valid("param").id);
  const length = contentLength(c);
  await precheck(c.var.services.db, userId, length, limits(c), current.size);
  const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  const row = await storeFile(deps(c), {
    userId,
    folderId: current.folderId,
    name: current.name,
    declaredType: c.req.header("Content-Type"),
    body: { stream: body, length },
    replace: { id: current.id, ifMatch: c.req.valid("header")["If-Match"]?.trim() },
  });
  return c.json(fileJson(row), 200);
};

export const publicFiles: AppRouteHandler<typeof routes.publicFiles> = async (c) => {
  const list = await rows.listPublicFiles(c.var.services.db, c.req.valid("query"));
  return c.json(
    list.map((f) => ({ ...fileJson(f), owner: f.owner })),
    200,
  );
};

export const getFile: AppRouteHandler<typeof routes.getFile> = async (c) =>
  c.json(
    fileJson(await rows.getReadableFile(c.var.services.db, c.var.auth?.userId ?? null, c.req.valid("param").id)),
    200,
  );

export const updateFile: AppRouteHandler<typeof routes.updateFile> = async (c) => {
  const b = c.req.valid("json");
  const row = await rows.updateFile(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, {
    name: b.name === undefined ? undefined : sanitizeName(b.name),
    folderId: b.folder_id,
    isPublic: b.is_public,
  });
  return c.json(fileJson(row), 200);
};

export const deleteFile: AppRouteHandler<typeof routes.deleteFile> = async (c) => {
  await rows.deleteFile(c.var.services.db, c.env.FILES, getAuth(c).userId, c.req.valid("param").id);
  return c.body(null, 204);
};

export const download: AppRouteHandler<typeof routes.download> = async (c) => {
  const viewer = c.var.auth?.userId ?? null;
  const file = await rows.getReadableFile(c.var.services.db, viewer, c.req.valid("param").id);
  const own = viewer === file.userId;
  return (await serveFile(c.env.FILES, file, c.req.raw, {
    inline: c.req.valid("query").disposition === "inline",
    cache: own ? "private" : "public",
  })) as never;
};

export const createShare: AppRouteHandler<typeof routes.createShare> = async (c) => {
  const share = await shares.createShare(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
    c.req.valid("json").expires_in_seconds,
  );
  const token = await shares.signShare(c.var.config.SECRET_KEY, share.id, share.expiresAt);
  const base = c.var.config.API_BASE_URL ?? new URL(c.req.url).origin;
  return c.json({ ...shareJson(share), token, url: `${base}/api/files/shared/${token}` }, 201);
};

export const listShares: AppRouteHandler<typeof routes.listShares> = async (c) =>
  c.json((await shares.listShares(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)).map(shareJson), 200);

export const revokeShare: AppRouteHandler<typeof routes.revokeShare> = async (c) => {
  const { id, shareId } = c.req.valid("param");
  await shares.revokeShare(c.var.services.db, getAuth(c).userId, id, shareId);
  return c.body(null, 204);
};

export const sharedDownload: AppRouteHandler<typeof routes.sharedDownload> = async (c) => {
  const shareId = await shares.verifyShare(c.var.config.SECRET_KEY, c.req.valid("param").token);
  if (!shareId) throw new ApiError(404, "not-found", "This share link does not exist, has expired or was revoked");
  const file = await shares.sharedFile(c.var.services.db, shareId);
  return (await serveFile(c.env.FILES, file, c.req.raw, {
    inline: c.req.valid("query").disposition === "inline",
    cache: "private",
  })) as never;
};
