/**
 * The code editor's view of the Files app: open a text file as a string, save a new version of it
 * (optimistic concurrency through the file's ETag: a save over a version other than the one read is
 * a 412 and stores nothing), create a text file. Bytes and rows go through the files services
 * (storeFile), so the R2/Postgres rules of the Files app hold here unchanged.
 */
import { ApiError } from "../../lib/errors.ts";
import { isTextual } from "../files/content-type.ts";
import { deleteFile, type FileRow, getOwnFile } from "../files/rows.ts";
import { precheck, type StorageDeps, storeFile } from "../files/storage.ts";
import { languageOf } from "./languages.ts";

/** Largest file the editor opens or saves: its JSON (escaped) must fit the API's 1 MiB body limit. */
export const EDITOR_MAX_BYTES = 512 * 1024;

export type OpenedFile = { file: FileRow; content: string; language: string };

const binaryRefused = (f: FileRow) =>
  new ApiError(
    415,
    "binary-file",
    `${f.name} is a ${f.contentType} file, not text: the editor opens text files only (download it instead)`,
  );
const tooLargeToEdit = (size: number) =>
  new ApiError(
    413,
    "too-large-to-edit",
    `The editor opens files up to ${EDITOR_MAX_BYTES} bytes; this one has ${size} (download it instead)`,
  );

export const isEditable = (f: Pick<FileRow, "contentType" | "size">) =>
  isTextual(f.contentType) && f.size <= EDITOR_MAX_BYTES;

/** My text file's content; another user's file is a 404, a binary one a 415, a huge one a 413. */
export async function openText(
  deps: Pick<StorageDeps, "db" | "bucket">,
  userId: number,
  id: number,
): Promise<OpenedFile> {
  const file = await getOwnFile(deps.db, userId, id);
  if (!isTextual(file.contentType)) throw binaryRefused(file);
  if (file.size > EDITOR_MAX_BYTES) throw tooLargeToEdit(file.size);
  const object = await deps.bucket.get(file.storageKey);
  if (!object) throw new ApiError(503, "storage-unavailable", "The file's content could not be read; try again");
  let content: string;
  try {
    content = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await object.arrayBuffer());
  } catch {
    throw binaryRefused(file);
  }
  return { file, content, language: languageOf(file.name) };
}

function encode(content: string): Uint8Array {
  const bytes = new TextEncoder().encode(content);
  if (bytes.length > EDITOR_MAX_BYTES) throw tooLargeToEdit(bytes.length);
  return bytes;
}

/**
 * A new version of my text file. `ifMatch` is the ETag the editor opened; when the file changed
 * since (another tab, an upload), nothing is stored and the answer is 412.
 */
export async function saveText(
  deps: StorageDeps,
  userId: number,
  id: number,
  content: string,
  ifMatch: string,
): Promise<FileRow> {
  const current = await getOwnFile(deps.db, userId, id);
  if (!isTextual(current.contentType)) throw binaryRefused(current);
  const bytes = encode(content);
  await precheck(deps.db, userId, bytes.length, deps.limits, current.size);
  return storeFile(deps, {
    userId,
    folderId: current.folderId,
    name: current.name,
    declaredType: current.contentType,
    body: { bytes },
    replace: { id: current.id, ifMatch: ifMatch === "*" ? undefined : ifMatch },
  });
}

/** A new text file (its type from the extension, checked against the content like any upload). */
export async function createText(
  deps: StorageDeps,
  userId: number,
  input: { name: string; folderId: number | null; content: string },
): Promise<FileRow> {
  const bytes = encode(input.content);
  await precheck(deps.db, userId, bytes.length, deps.limits);
  const row = await storeFile(deps, { userId, folderId: input.folderId, name: input.name, body: { bytes } });
  if (!isTextual(row.contentType)) {
    // Text starting with a magic number ("%PDF-…") under a name without a text extension: not kept.
    await deleteFile(deps.db, deps.bucket, userId, row.id);
    throw binaryRefused(row);
  }
  return row;
}
