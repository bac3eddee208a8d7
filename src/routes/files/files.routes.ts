import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageAfterHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./files.schemas.ts";

const { anyone, maybeUser, user } = routeKit(
  "Files",
  "My files and folders: uploads, downloads (ranges, ETags), quotas, public files and share links",
);
const bytes = (description: string) => ({
  description,
  headers: z.object({ ETag: z.string(), "Content-Disposition": z.string(), "Accept-Ranges": z.literal("bytes") }),
  // A file is served with its own Content-Type, so any media type may come back.
  content: { "*/*": { schema: z.string().openapi({ format: "binary" }) } },
});
const downloadResponses = {
  200: bytes("The whole file, with its Content-Type"),
  206: bytes("The requested byte range (Range: bytes=…), with Content-Range"),
  304: { description: "Not modified (If-None-Match / If-Modified-Since)" },
};

export const listFolders = user({
  operationId: "listFileFolders",
  method: "get",
  path: "/api/files/folders",
  summary: "My folders inside one folder (the root when parent_id is absent), by name",
  request: { query: s.FolderQuery },
  responses: { 200: json(z.array(s.FolderSchema), "Folders"), ...problemResponses(404, 422) },
});

export const createFolder = user({
  operationId: "createFileFolder",
  method: "post",
  path: "/api/files/folders",
  summary: "Create a folder (in the root, or inside parent_id); names are unique among siblings, ignoring case",
  request: jsonBody(s.CreateFolderBody),
  responses: { 201: json(s.FolderSchema, "The folder"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const updateFolder = user({
  operationId: "updateFileFolder",
  method: "patch",
  path: "/api/files/folders/{id}",
  summary: "Rename a folder and/or move it (parent_id null = the root; never into itself)",
  request: { params: s.IdParams, ...jsonBody(s.UpdateFolderBody) },
  responses: { 200: json(s.FolderSchema, "The folder"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const deleteFolder = user({
  operationId: "deleteFileFolder",
  method: "delete",
  path: "/api/files/folders/{id}",
  summary: "Delete an empty folder, or with ?recursive=true everything in it (rows and stored bytes)",
  request: { params: s.IdParams, query: s.DeleteFolderQuery },
  responses: { 200: json(s.DeletedFolderSchema, "Deleted"), ...problemResponses(404, 409, 422) },
});

export const tree = user({
  operationId: "getFileTree",
  method: "get",
  path: "/api/files/tree",
  summary: "All my folders and files (at most 5,000 files) for a tree view",
  responses: { 200: json(s.TreeSchema, "The tree") },
});

export const usage = user({
  operationId: "getFileUsage",
  method: "get",
  path: "/api/files/usage",
  summary: "Bytes I use, my quota and the per-file limit",
  responses: { 200: json(s.UsageSchema, "Usage") },
});

export const listFiles = user({
  operationId: "listFiles",
  method: "get",
  path: "/api/files",
  summary: "My files in one folder (the root when folder_id is absent), by name (keyset paging with ?after)",
  request: { query: s.FilesQuery },
  responses: { 200: json(z.array(s.FileSchema), "Files", NextPageAfterHeaders), ...problemResponses(404, 422) },
});

export const upload = user({
  operationId: "uploadFile",
  method: "post",
  path: "/api/files/upload",
  summary: "Upload a file as multipart/form-data (field `file`); its type is checked against its bytes",
  description:
    "413 past the per-file limit or the quota (nothing is stored); 415 when the declared type and the bytes disagree.",
  request: {
    query: s.UploadQuery,
    body: { required: true, content: { "multipart/form-data": { schema: s.UploadForm } } },
  },
  responses: { 201: json(s.FileSchema, "The stored file"), ...problemResponses(400, 404, 409, 411, 413, 415, 422) },
});

export const uploadStream = user({
  operationId: "uploadFileStream",
  method: "put",
  path: "/api/files/stream",
  summary: "Upload a large file as the raw request body (streamed to storage; Content-Length required)",
  description: "The Content-Type header is the declared type (checked against the bytes); `name` is the file name.",
  request: {
    query: s.StreamQuery,
    body: {
      required: true,
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
  responses: { 201: json(s.FileSchema, "The stored file"), ...problemResponses(400, 404, 409, 411, 413, 415, 422) },
});

export const replaceContent = user({
  operationId: "replaceFileContent",
  method: "put",
  path: "/api/files/{id}/content",
  summary: "Store a new version of my file from the raw body; with If-Match, only over that version (else 412)",
  request: {
    params: s.IdParams,
    headers: z.object({
      "If-Match": z
        .string()
        .max(200)
        .optional()
        .openapi({ description: "The ETag you read; a newer version makes this a 412" }),
    }),
    body: {
      required: true,
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
  responses: {
    200: json(s.FileSchema, "The new version"),
    ...problemResponses(400, 404, 409, 411, 412, 413, 415, 422),
  },
});

export const publicFiles = anyone({
  operationId: "listPublicFiles",
  method: "get",
  path: "/api/files/public",
  summary: "Everyone's public files, newest first (no sign-in needed)",
  request: { query: s.PublicQuery },
  responses: { 200: json(z.array(s.PublicFileSchema), "Public files"), ...problemResponses(422) },
});

export const getFile = maybeUser({
  operationId: "getFile",
  method: "get",
  path: "/api/files/{id}",
  summary: "A file's details: mine, or a public one",
  request: { params: s.IdParams },
  responses: { 200: json(s.FileSchema, "The file"), ...problemResponses(404, 422) },
});

export const updateFile = user({
  operationId: "updateFile",
  method: "patch",
  path: "/api/files/{id}",
  summary: "Rename, move (folder_id null = root) or publish my file",
  request: { params: s.IdParams, ...jsonBody(s.UpdateFileBody) },
  responses: { 200: json(s.FileSchema, "The file"), ...problemResponses(404, 413, 415, 422) },
});

export const deleteFile = user({
  operationId: "deleteFile",
  method: "delete",
  path: "/api/files/{id}",
  summary: "Delete my file (its row, then its stored bytes)",
  request: { params: s.IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});

export const download = maybeUser({
  operationId: "downloadFile",
  method: "get",
  path: "/api/files/{id}/download",
  summary: "Download my file or a public one (Range, If-None-Match, If-Modified-Since, If-Range honoured)",
  request: { params: s.IdParams, query: s.DownloadQuery },
  responses: { ...downloadResponses, ...problemResponses(404, 412, 416, 422) },
});

export const createShare = user({
  operationId: "createFileShare",
  method: "post",
  path: "/api/files/{id}/shares",
  summary: "Make a share link: anyone with it may download this file until it expires or is revoked",
  request: { params: s.IdParams, ...jsonBody(s.CreateShareBody) },
  responses: {
    201: json(s.NewShareSchema, "The link (its token is shown only now)"),
    ...problemResponses(404, 413, 415, 422),
  },
});

export const listShares = user({
  operationId: "listFileShares",
  method: "get",
  path: "/api/files/{id}/shares",
  summary: "My file's share links",
  request: { params: s.IdParams },
  responses: { 200: json(z.array(s.ShareSchema), "Share links"), ...problemResponses(404, 422) },
});

export const revokeShare = user({
  operationId: "revokeFileShare",
  method: "delete",
  path: "/api/files/{id}/shares/{shareId}",
  summary: "Revoke a share link (it stops working at once)",
  request: { params: s.ShareParams },
  responses: { 204: { description: "Revoked" }, ...problemResponses(404, 422) },
});

export const sharedDownload = anyone({
  operationId: "downloadSharedFile",
  method: "get",
  path: "/api/files/shared/{token}",
  summary: "Download through a share link (no sign-in needed)",
  request: { params: s.TokenParams, query: s.DownloadQuery },
  responses: { ...downloadResponses, ...problemResponses(404, 412, 416, 422) },
});
