import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { fileShares, files } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import { type FileRow, fileNotFound, getOwnFile } from "./rows.ts";

/**
 * Share links: `<share id>.<expiry, unix seconds>.<HMAC-SHA256>` in base64url. The signature (key:
 * HMAC over SECRET_KEY with its own label, so it can never be confused with a JWT's) lets a
 * forged or altered token fail without a query; the share row makes the link revocable.
 */
const LABEL = "blackroad-file-share-v1";
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`${LABEL}:${secret}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

const b64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

export async function signShare(secret: string, shareId: string, expiresAt: Date): Promise<string> {
  const body = `${shareId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(body));
  return `${body}.${b64url(mac)}`;
}

/** The share id of a well-signed, unexpired token; undefined for anything else. */
export async function verifyShare(secret: string, token: string, now = Date.now()): Promise<string | undefined> {
  const m = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const [, id, exp, mac] = m;
  let sig: Uint8Array;
  try {
    sig = fromB64url(mac!);
  } catch {
    return undefined;
  }
  const ok = await crypto.subtle.verify("HMAC", await hmacKey(secret), sig, new TextEncoder().encode(`${id}.${exp}`));
  return ok && Number(exp) * 1000 > now ? id : undefined;
}

export type ShareRow = { id: string; fileId: number; expiresAt: Date; revokedAt: Date | null; createdAt: Date };
const columns = {
  id: fileShares.id,
  fileId: fileShares.fileId,
  expiresAt: fileShares.expiresAt,
  revokedAt: fileShares.revokedAt,
  createdAt: fileShares.createdAt,
};

export async function createShare(
  db: Database,
  userId: number,
  fileId: number,
  expiresInSeconds: number,
): Promise<ShareRow> {
  const r = await db.execute(sql`
    insert into ${fileShares} (file_id, user_id, expires_at)
    select id, user_id, now() + make_interval(secs => ${expiresInSeconds}) from ${files} where id = ${fileId} and user_id = ${userId}
    returning id`);
  const id = (r.rows[0] as { id: string } | undefined)?.id;
  if (!id) throw fileNotFound();
  const [row] = await db.select(columns).from(fileShares).where(eq(fileShares.id, id));
  return row!;
}

export async function listShares(db: Database, userId: number, fileId: number): Promise<ShareRow[]> {
  await getOwnFile(db, userId, fileId);
  return db
    .select(columns)
    .from(fileShares)
    .where(and(eq(fileShares.fileId, fileId), eq(fileShares.userId, userId)))
    .orderBy(desc(fileShares.createdAt));
}

export async function revokeShare(db: Database, userId: number, fileId: number, shareId: string): Promise<void> {
  const rows = await db
    .update(fileShares)
    .set({ revokedAt: sql`coalesce(${fileShares.revokedAt}, now())` })
    .where(and(eq(fileShares.id, shareId), eq(fileShares.fileId, fileId), eq(fileShares.userId, userId)))
    .returning({ id: fileShares.id });
  if (rows.length === 0) throw notFound("Share link not found");
}

/** The file a live (unrevoked, unexpired) share opens. */
export async function sharedFile(db: Database, shareId: string): Promise<FileRow> {
  const [row] = await db
    .select({
      id: files.id,
      userId: files.userId,
      folderId: files.folderId,
      name: files.name,
      contentType: files.contentType,
      size: files.size,
      storageKey: files.storageKey,
      etag: files.etag,
      version: files.version,
      isPublic: files.isPublic,
      createdAt: files.createdAt,
      updatedAt: files.updatedAt,
    })
    .from(fileShares)
    .innerJoin(files, eq(files.id, fileShares.fileId))
    .where(and(eq(fileShares.id, shareId), isNull(fileShares.revokedAt), gt(fileShares.expiresAt, sql`now()`)));
  if (!row) throw notFound("This share link does not exist, has expired or was revoked");
  return row;
}
