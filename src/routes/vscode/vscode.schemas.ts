import { z } from "@hono/zod-openapi";
import { idParam } from "../../lib/params.ts";
import type { FolderRow } from "../../services/files/folders.ts";
import type { FileRow } from "../../services/files/rows.ts";
import { EDITOR_MAX_BYTES, isEditable } from "../../services/vscode/editor.ts";
import { languageOf } from "../../services/vscode/languages.ts";

export const IdParams = z.object({ id: idParam("id") });

/** Characters, a first bound; the UTF-8 size is checked against EDITOR_MAX_BYTES (413) after. */
const Content = z
  .string()
  .max(EDITOR_MAX_BYTES, `content is longer than ${EDITOR_MAX_BYTES} characters`)
  .openapi({ example: "console.log('hello');\n" });

export const SaveHeaders = z.object({
  "If-Match": z.string().max(200).optional().openapi({
    description: "The ETag the editor opened (required: without it the answer is 428); `*` saves over any version",
  }),
});
export const SaveBody = z.strictObject({ content: Content }).openapi("EditorSave");
export const CreateBody = z
  .strictObject({
    name: z.string().min(1, "name must not be empty").max(1000, "name is too long").openapi({ example: "hello.ts" }),
    folder_id: z
      .number()
      .int()
      .min(1)
      .max(2_147_483_647)
      .nullish()
      .openapi({ description: "A folder of mine; absent or null for the root" }),
    content: Content.default(""),
  })
  .openapi("EditorNewFile");

export const EditorEntrySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    folder_id: z.number().int().nullable(),
    language: z.string().openapi({ description: "VS Code language id from the extension", example: "typescript" }),
    content_type: z.string(),
    editable: z.boolean().openapi({ description: `A text file of at most ${EDITOR_MAX_BYTES} bytes` }),
    size: z.number().int(),
    etag: z.string(),
    version: z.number().int(),
    updated_at: z.string(),
  })
  .openapi("EditorEntry");

export const EditorFileSchema = EditorEntrySchema.extend({ content: z.string() }).openapi("EditorFile");

export const EditorTreeSchema = z
  .object({
    folders: z.array(z.object({ id: z.number().int(), name: z.string(), parent_id: z.number().int().nullable() })),
    files: z.array(EditorEntrySchema),
    truncated: z.boolean(),
  })
  .openapi("EditorTree");

export const LanguagesSchema = z.object({
  extensions: z
    .record(z.string(), z.string())
    .openapi({ description: "Extension (lower case, no dot) → language id; anything else is plaintext" }),
  max_bytes: z.number().int(),
});

export const EtagHeader = z.object({ ETag: z.string() });

export const entryJson = (f: FileRow) => ({
  id: f.id,
  name: f.name,
  folder_id: f.folderId,
  language: languageOf(f.name),
  content_type: f.contentType,
  editable: isEditable(f),
  size: f.size,
  etag: f.etag,
  version: f.version,
  updated_at: f.updatedAt.toISOString(),
});
export const folderJson = (f: FolderRow) => ({ id: f.id, name: f.name, parent_id: f.parentId });
