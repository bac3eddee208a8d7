import { z } from "@hono/zod-openapi";
import { cursorParam } from "../../lib/cursor-param.ts";
import { decodeNameCursor } from "../../lib/name-cursor.ts";
import { PaginationQuery } from "../../lib/pagination.ts";
import { idParam } from "../../lib/params.ts";
import type { FolderRow } from "../../services/files/folders.ts";
import type { FileRow } from "../../services/files/rows.ts";
import type { ShareRow } from "../../services/files/shares.ts";

const Name = z.string().min(1, "name must not be empty").max(1000, "name is too long").openapi({ example: "notes.md" });
/** A folder id, or null for the root. */
const NullableFolderId = z.number().int().min(1).max(2_147_483_647).nullable();
const folderQueryId = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer")
  .transform(Number)
  .pipe(z.number().max(2_147_483_647, "is out of range"))
  .optional()
  .openapi({ type: "integer", description: "A folder of mine; absent for the root" });

export const IdParams = z.object({ id: idParam("id") });
export const ShareParams = z.object({
  id: idParam("id"),
  shareId: z
    .uuid("shareId must be a UUID")
    .openapi({ param: { name: "shareId", in: "path" }, example: "0b1f6e5c-4d0a-4f59-9c1e-2b7f0a6d9e11" }),
});
export const TokenParams = z.object({
  token: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "token", in: "path" }, description: "The token of a share link" }),
});

export const FolderQuery = z.object({ parent_id: folderQueryId });
export const FilesQuery = PaginationQuery.extend({
  folder_id: folderQueryId,
  after: cursorParam(
    "after",
    decodeNameCursor,
    "Keyset cursor: only files after this one in name order (the X-Next-Cursor header of the previous page). Stable while files are added or removed; prefer it to `offset`",
  ),
});
export const UploadQuery = z.object({ folder_id: folderQueryId });
export const StreamQuery = z.object({ name: Name, folder_id: folderQueryId });
export const DeleteFolderQuery = z.object({
  recursive: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .openapi({ description: "Delete everything inside too" }),
});
export const DownloadQuery = z.object({
  disposition: z.enum(["attachment", "inline"]).default("attachment").openapi({
    description: "`inline` for images, PDF, plain text, audio and video; anything else is always an attachment",
  }),
});
export const PublicQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .openapi({ description: "Keyset cursor: the last id of the previous page" }),
});

export const CreateFolderBody = z
  .strictObject({ name: Name.openapi({ example: "Projects" }), parent_id: NullableFolderId.optional() })
  .openapi("CreateFileFolder");
export const UpdateFolderBody = z
  .strictObject({ name: Name.optional(), parent_id: NullableFolderId.optional() })
  .openapi("UpdateFolder");
export const UpdateFileBody = z
  .strictObject({ name: Name.optional(), folder_id: NullableFolderId.optional(), is_public: z.boolean().optional() })
  .openapi("UpdateFile");
export const CreateShareBody = z
  .strictObject({
    expires_in_seconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(7 * 24 * 3600)
      .openapi({ description: "60 s to 30 days; default 7 days", example: 3600 }),
  })
  .openapi("CreateShare");

export const UploadForm = z
  .object({
    file: z
      .any()
      .openapi({ type: "string", format: "binary", description: "The file (its part's filename and type are used)" }),
  })
  .openapi("FileUpload");

export const FolderSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    parent_id: z.number().int().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Folder");

export const FileSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    folder_id: z.number().int().nullable(),
    content_type: z.string(),
    extension: z.string(),
    size: z.number().int(),
    etag: z.string(),
    version: z.number().int(),
    is_public: z.boolean(),
    download_url: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("File");

export const PublicFileSchema = FileSchema.extend({ owner: z.string() }).openapi("PublicFile");

export const TreeSchema = z
  .object({ folders: z.array(FolderSchema), files: z.array(FileSchema), truncated: z.boolean() })
  .openapi("FileTree");
export const UsageSchema = z
  .object({ used_bytes: z.number().int(), quota_bytes: z.number().int(), max_file_bytes: z.number().int() })
  .openapi("FileUsage");
export const ShareSchema = z
  .object({
    id: z.string(),
    file_id: z.number().int(),
    expires_at: z.string(),
    revoked: z.boolean(),
    created_at: z.string(),
  })
  .openapi("FileShare");
export const NewShareSchema = ShareSchema.extend({ token: z.string(), url: z.string() }).openapi("NewFileShare");
export const DeletedFolderSchema = z.object({ deleted_files: z.number().int() });

export const folderJson = (f: FolderRow) => ({
  id: f.id,
  name: f.name,
  parent_id: f.parentId,
  created_at: f.createdAt.toISOString(),
  updated_at: f.updatedAt.toISOString(),
});

export const fileJson = (f: FileRow) => {
  const dot = f.name.lastIndexOf(".");
  return {
    id: f.id,
    name: f.name,
    folder_id: f.folderId,
    content_type: f.contentType,
    extension: dot > 0 ? f.name.slice(dot + 1).toLowerCase() : "",
    size: f.size,
    etag: f.etag,
    version: f.version,
    is_public: f.isPublic,
    download_url: `/api/files/${f.id}/download`,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
};

export const shareJson = (s: ShareRow) => ({
  id: s.id,
  file_id: s.fileId,
  expires_at: s.expiresAt.toISOString(),
  revoked: s.revokedAt !== null,
  created_at: s.createdAt.toISOString(),
});
