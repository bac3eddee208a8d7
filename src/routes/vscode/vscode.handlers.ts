import type { Context } from "hono";
import { ApiError } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import { listAllFolders } from "../../services/files/folders.ts";
import { sanitizeName } from "../../services/files/names.ts";
import { listAllFiles } from "../../services/files/rows.ts";
import { createText, EDITOR_MAX_BYTES, openText, saveText } from "../../services/vscode/editor.ts";
import { LANGUAGES } from "../../services/vscode/languages.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import type * as routes from "./vscode.routes.ts";
import { entryJson, folderJson } from "./vscode.schemas.ts";

type C = Context<AppBindings, any, any>;
const TREE_CAP = 5000;
const deps = (c: C) => ({
  db: c.var.services.db,
  bucket: c.env.FILES,
  limits: { maxFileBytes: c.var.config.FILES_MAX_FILE_BYTES, quotaBytes: c.var.config.FILES_QUOTA_BYTES },
});

export const tree: AppRouteHandler<typeof routes.tree> = async (c) => {
  const { userId } = getAuth(c);
  const db = c.var.services.db;
  const [folders, files] = await Promise.all([listAllFolders(db, userId), listAllFiles(db, userId, TREE_CAP + 1)]);
  return c.json(
    {
      folders: folders.map(folderJson),
      files: files.slice(0, TREE_CAP).map(entryJson),
      truncated: files.length > TREE_CAP,
    },
    200,
  );
};

export const languages: AppRouteHandler<typeof routes.languages> = async (c) =>
  c.json({ extensions: LANGUAGES, max_bytes: EDITOR_MAX_BYTES }, 200);

export const open: AppRouteHandler<typeof routes.open> = async (c) => {
  const { file, content } = await openText(deps(c), getAuth(c).userId, c.req.valid("param").id);
  return c.json({ ...entryJson(file), content }, 200, { ETag: file.etag });
};

export const save: AppRouteHandler<typeof routes.save> = async (c) => {
  const ifMatch = c.req.valid("header")["If-Match"]?.trim();
  if (!ifMatch)
    throw new ApiError(
      428,
      "precondition-required",
      "Send If-Match with the ETag you opened, so a save never overwrites a version you have not seen",
    );
  const row = await saveText(deps(c), getAuth(c).userId, c.req.valid("param").id, c.req.valid("json").content, ifMatch);
  return c.json(entryJson(row), 200, { ETag: row.etag });
};

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const b = c.req.valid("json");
  const row = await createText(deps(c), getAuth(c).userId, {
    name: sanitizeName(b.name),
    folderId: b.folder_id ?? null,
    content: b.content,
  });
  return c.json(entryJson(row), 201, { ETag: row.etag });
};
