import { sql } from "drizzle-orm";
import type { Database } from "../../lib/db.ts";
import { isUniqueViolation } from "../../lib/db.ts";
import { ApiError, notFound, serviceUnavailable } from "../../lib/errors.ts";
import { isForeignKeyViolation } from "../db-errors.ts";
import { checkContentType, isTextual } from "./content-type.ts";
import { type FileRow, fileNotFound, fileRowFrom } from "./rows.ts";

export type FileLimits = { maxFileBytes: number; quotaBytes: number };

/** What a write needs; `writeRow` is replaceable so tests can fail it between the two writes. */
export type StorageDeps = {
  db: Database;
  bucket: R2Bucket;
  limits: FileLimits;
  writeRow?: (db: Database, row: PendingRow) => Promise<FileRow | RowRefusal>;
};

/** The bytes of an upload: all in memory (multipart), or a stream of exactly `length` bytes (PUT). */
export type UploadBody = { bytes: Uint8Array } | { stream: ReadableStream<Uint8Array>; length: number };

export type PendingRow = {
  userId: number;
  folderId: number | null;
  name: string;
  contentType: string;
  size: number;
  storageKey: string;
  etag: string;
  textContent: string | null;
  quotaBytes: number;
  /** A new version of this file (replacing its object), or a new file when undefined. */
  replace?: { id: number; ifMatch?: string };
};
export type RowRefusal = { refused: "quota" | "folder" | "missing" | "precondition"; oldKey?: never };

/** How much of the start of a file is read to check its type. */
const SNIFF_BYTES = 4096;
/** How much of a text file is kept in Postgres for search. */
const TEXT_INDEX_BYTES = 256 * 1024;

export const tooLarge = (detail: string) => new ApiError(413, "payload-too-large", detail);

/** Bytes used by a user's files. */
export async function usedBytes(db: Database, userId: number): Promise<number> {
  const r = await db.execute(sql`select coalesce(sum(size), 0)::bigint as used from files where user_id = ${userId}`);
  return Number((r.rows[0] as { used: string | number }).used);
}

/** Refuses early (nothing read, nothing stored) what cannot fit; the row write checks the quota again under a lock. */
export async function precheck(
  db: Database,
  userId: number,
  length: number,
  limits: FileLimits,
  replacing = 0,
): Promise<void> {
  if (length > limits.maxFileBytes)
    throw tooLarge(`Files are limited to ${limits.maxFileBytes} bytes; this one has ${length}`);
  const used = await usedBytes(db, userId);
  if (used - replacing + length > limits.quotaBytes) {
    throw tooLarge(`Your storage quota is ${limits.quotaBytes} bytes; ${used} are used and this file needs ${length}`);
  }
}

/**
 * Stores a new file or a new version of one: the object first (under a fresh key), then the row;
 * if the row cannot be written (quota reached meanwhile, folder deleted meanwhile, If-Match lost,
 * or any database error), the new object is deleted before the error goes back. A replaced
 * version's old object is deleted only after its row points at the new one. So a row never points
 * at a missing object, and no object outlives a failed write.
 */
export async function storeFile(
  deps: StorageDeps,
  input: {
    userId: number;
    folderId: number | null;
    name: string;
    declaredType?: string;
    body: UploadBody;
    replace?: PendingRow["replace"];
  },
): Promise<FileRow> {
  const { db, bucket, limits } = deps;
  const length = "bytes" in input.body ? input.body.bytes.length : input.body.length;
  if (length > limits.maxFileBytes)
    throw tooLarge(`Files are limited to ${limits.maxFileBytes} bytes; this one has ${length}`);

  const { head, complete, rest } = await sniff(input.body);
  const contentType = checkContentType(input.name, input.declaredType, head, complete);
  const keepText = isTextual(contentType) || contentType === "text/plain";
  const captured: Uint8Array[] = [];
  let capturedBytes = 0;
  const capture = (chunk: Uint8Array) => {
    if (!keepText || capturedBytes >= TEXT_INDEX_BYTES) return;
    const part = chunk.subarray(0, TEXT_INDEX_BYTES - capturedBytes);
    captured.push(part);
    capturedBytes += part.length;
  };

  const storageKey = `u/${input.userId}/${crypto.randomUUID()}`;
  let object: R2Object;
  if ("bytes" in input.body) {
    capture(input.body.bytes);
    object = await bucket
      .put(storageKey, input.body.bytes, { httpMetadata: { contentType } })
      .catch(storageUnavailable);
  } else {
    const fixed = new FixedLengthStream(length);
    // The body's fault (too short, too long, cut off) is the client's 400; R2's own failure is our 503.
    let bodyFailed = false;
    const pump = rest!
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, ctl) => (capture(chunk), ctl.enqueue(chunk)),
        }),
      )
      .pipeTo(fixed.writable)
      .catch((err: unknown) => {
        bodyFailed = true;
        throw err;
      });
    try {
      [object] = await Promise.all([bucket.put(storageKey, fixed.readable, { httpMetadata: { contentType } }), pump]);
    } catch (err) {
      await bestEffortDelete(bucket, storageKey);
      if (!bodyFailed) storageUnavailable(err);
      throw new ApiError(400, "incomplete-body", `The body did not carry exactly ${length} bytes (Content-Length)`);
    }
  }

  const textContent = keepText ? new TextDecoder().decode(concat(captured)).replaceAll("\u0000", "") : null;
  const pending: PendingRow = {
    userId: input.userId,
    folderId: input.folderId,
    name: input.name,
    contentType,
    size: length,
    storageKey,
    etag: object.httpEtag,
    textContent,
    quotaBytes: limits.quotaBytes,
    replace: input.replace,
  };
  let result: (FileRow & { oldKey?: string }) | RowRefusal;
  try {
    result = await (deps.writeRow ?? writeRow)(db, pending);
  } catch (err) {
    await bestEffortDelete(bucket, storageKey);
    if (isForeignKeyViolation(err)) throw notFound("Folder not found");
    if (isUniqueViolation(err)) throw new ApiError(409, "conflict", "Try again");
    throw err;
  }
  if ("refused" in result) {
    await bestEffortDelete(bucket, storageKey);
    if (result.refused === "quota")
      throw tooLarge(`Your storage quota of ${limits.quotaBytes} bytes would be exceeded`);
    if (result.refused === "folder") throw notFound("Folder not found");
    if (result.refused === "precondition")
      throw new ApiError(
        412,
        "precondition-failed",
        "The file changed since you read it (If-Match did not match); nothing was saved",
      );
    throw fileNotFound();
  }
  // The new version is committed: failing to remove the old bytes must not fail the save.
  if (result.oldKey) await bestEffortDelete(bucket, result.oldKey);
  const { oldKey: _, ...row } = result;
  return row;
}

/**
 * The row write, one batch (one transaction): the user row locked so concurrent uploads of one user
 * queue here and the quota sum is exact, then one conditional statement.
 */
export async function writeRow(db: Database, p: PendingRow): Promise<(FileRow & { oldKey?: string }) | RowRefusal> {
  // NO KEY UPDATE queues this user's uploads without blocking other writes that merely reference the
  // user (foreign-key checks take KEY SHARE): FOR UPDATE would, and could deadlock with them.
  const lock = db.execute(sql`select id from users where id = ${p.userId} for no key update`);
  const used = sql`(select coalesce(sum(size), 0) from files where user_id = ${p.userId})`;
  if (!p.replace) {
    const folderOk =
      p.folderId === null
        ? sql`true`
        : sql`exists (select 1 from file_folders where id = ${p.folderId} and user_id = ${p.userId})`;
    const [, inserted, state] = await db.batch([
      lock,
      db.execute(sql`
        insert into files (user_id, folder_id, name, content_type, size, storage_key, etag, text_content)
        select ${p.userId}, ${p.folderId}, ${p.name}, ${p.contentType}, ${p.size}, ${p.storageKey}, ${p.etag}, ${p.textContent}
        where ${used} + ${p.size} <= ${p.quotaBytes} and ${folderOk}
        returning *`),
      db.execute(sql`select ${folderOk} as folder_ok`),
    ]);
    if (inserted.rows[0]) return fileRowFrom(inserted.rows[0]);
    return { refused: (state.rows[0] as { folder_ok: boolean }).folder_ok ? "quota" : "folder" };
  }
  const { id, ifMatch } = p.replace;
  const [, updated, state] = await db.batch([
    lock,
    db.execute(sql`
      with old as (select id, storage_key, size, etag from files where id = ${id} and user_id = ${p.userId} for update)
      update files f set storage_key = ${p.storageKey}, etag = ${p.etag}, size = ${p.size}, content_type = ${p.contentType},
        text_content = ${p.textContent}, version = f.version + 1, updated_at = now()
      from old
      where f.id = old.id and (${ifMatch ?? null}::text is null or old.etag = ${ifMatch ?? null})
        and ${used} - old.size + ${p.size} <= ${p.quotaBytes}
      returning f.*, old.storage_key as old_key`),
    db.execute(sql`select etag from files where id = ${id} and user_id = ${p.userId}`),
  ]);
  const row = updated.rows[0] as Record<string, unknown> | undefined;
  if (row) return { ...fileRowFrom(row), oldKey: String(row.old_key) };
  const current = state.rows[0] as { etag: string } | undefined;
  if (!current) return { refused: "missing" };
  return { refused: ifMatch !== undefined && current.etag !== ifMatch ? "precondition" : "quota" };
}

/** R2 failed on its own (not the body's fault): a 503 the client can retry. */
function storageUnavailable(err: unknown): never {
  console.error(
    JSON.stringify({ level: "error", msg: "file storage unavailable", error: String((err as Error)?.message ?? err) }),
  );
  throw serviceUnavailable(
    "File storage is unavailable right now; nothing was saved. Retry shortly.",
    "storage-unavailable",
  );
}

/**
 * Deletes an object whose row does not (or no longer) points at it. A failure is logged with the key
 * and does not replace the request's own outcome: an orphaned object costs storage, a wrong answer
 * would cost the user's work.
 */
async function bestEffortDelete(bucket: R2Bucket, key: string): Promise<void> {
  try {
    await bucket.delete(key);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "orphaned file object",
        key,
        error: String((err as Error)?.message ?? err),
      }),
    );
  }
}

/** Reads the first SNIFF_BYTES of a stream (or takes them from the bytes) and gives back the rest, unread. */
async function sniff(
  body: UploadBody,
): Promise<{ head: Uint8Array; complete: boolean; rest?: ReadableStream<Uint8Array> }> {
  if ("bytes" in body) return { head: body.bytes.subarray(0, SNIFF_BYTES), complete: body.bytes.length <= SNIFF_BYTES };
  const reader = body.stream.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  let done = false;
  while (got < SNIFF_BYTES) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    got += r.value.length;
  }
  const head = concat(chunks);
  const rest = new ReadableStream<Uint8Array>({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(c);
      if (done) ctl.close();
    },
    async pull(ctl) {
      const r = await reader.read();
      if (r.done) ctl.close();
      else ctl.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head: head.subarray(0, SNIFF_BYTES), complete: done, rest };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.length);
  return out;
}
