import { and, asc, count, desc, eq } from "drizzle-orm";
import { transactions, users, vaultEntries, vaultEvents } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import { beforeTime, microsText, type TimeCursor } from "../../lib/time-cursor.ts";
import { canonicalText, hashCanonical } from "./canonical.ts";

export type EntryRow = Omit<typeof vaultEntries.$inferSelect, "searchVector"> & {
  anchorBlockHeight: number | null;
  anchoredAt: Date | null;
};
export const entryNotFound = () => notFound("Vault entry not found");

const columns = {
  id: vaultEntries.id,
  userId: vaultEntries.userId,
  author: vaultEntries.author,
  title: vaultEntries.title,
  canonicalText: vaultEntries.canonicalText,
  sha256: vaultEntries.sha256,
  sha512: vaultEntries.sha512,
  sha3256: vaultEntries.sha3256,
  canonicalSize: vaultEntries.canonicalSize,
  anchorChain: vaultEntries.anchorChain,
  anchorTxHash: vaultEntries.anchorTxHash,
  anchorRequestedAt: vaultEntries.anchorRequestedAt,
  createdAt: vaultEntries.createdAt,
  updatedAt: vaultEntries.updatedAt,
  anchorBlockHeight: transactions.blockHeight,
  anchoredAt: transactions.confirmedAt,
};

const select = (db: Database) =>
  db
    .select(columns)
    .from(vaultEntries)
    .leftJoin(transactions, eq(transactions.transactionHash, vaultEntries.anchorTxHash));

/** A new entry; the author defaults to the user's username. */
export async function createEntry(
  db: Database,
  userId: number,
  input: { idea: string; title?: string | null; author?: string },
): Promise<EntryRow> {
  const canonical = canonicalText(input.idea);
  const author =
    input.author ??
    (await db.select({ username: users.username }).from(users).where(eq(users.id, userId)))[0]?.username ??
    "unknown";
  const h = await hashCanonical(canonical);
  const [row] = await db
    .insert(vaultEntries)
    .values({
      userId,
      author,
      title: input.title ?? null,
      canonicalText: canonical,
      sha256: h.sha256,
      sha512: h.sha512,
      sha3256: h.sha3_256,
      canonicalSize: h.size,
    })
    .returning({ id: vaultEntries.id });
  await db.insert(vaultEvents).values({ entryId: row!.id, type: "created", detail: { sha256: h.sha256 } });
  return getEntry(db, userId, row!.id);
}

export async function getEntry(db: Database, userId: number, id: string): Promise<EntryRow> {
  const [row] = await select(db).where(and(eq(vaultEntries.id, id), eq(vaultEntries.userId, userId)));
  if (!row) throw entryNotFound();
  return row;
}

/**
 * My entries, newest first: `before` is a keyset cursor (the last entry's created_at to the
 * microsecond and its id) on vault_entries_user_created_id_idx; `page` the older offset paging.
 * Each row carries `cursorAt`, its created_at as the cursor needs it.
 */
export async function listEntries(
  db: Database,
  userId: number,
  q: { page: number; perPage: number; before?: TimeCursor },
) {
  const below = q.before && beforeTime(vaultEntries.createdAt, vaultEntries.id, q.before, "uuid");
  const [rows, [total]] = await db.batch([
    db
      .select({ ...columns, cursorAt: microsText(vaultEntries.createdAt) })
      .from(vaultEntries)
      .leftJoin(transactions, eq(transactions.transactionHash, vaultEntries.anchorTxHash))
      .where(and(eq(vaultEntries.userId, userId), below))
      .orderBy(desc(vaultEntries.createdAt), desc(vaultEntries.id))
      .limit(q.perPage)
      .offset(q.before ? 0 : (q.page - 1) * q.perPage),
    db.select({ n: count() }).from(vaultEntries).where(eq(vaultEntries.userId, userId)),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function listEvents(db: Database, userId: number, id: string) {
  await getEntry(db, userId, id);
  return db.select().from(vaultEvents).where(eq(vaultEvents.entryId, id)).orderBy(asc(vaultEvents.id));
}

export const anchorStatus = (e: EntryRow): "none" | "pending" | "anchored" =>
  e.anchorBlockHeight !== null ? "anchored" : e.anchorTxHash ? "pending" : "none";

export const entryJson = (e: EntryRow) => ({
  id: e.id,
  author: e.author,
  title: e.title,
  canonical_text: e.canonicalText,
  canonical_size: e.canonicalSize,
  hashes: { sha256: e.sha256, sha512: e.sha512, sha3_256: e.sha3256 },
  anchor: {
    status: anchorStatus(e),
    chain: e.anchorChain,
    transaction_hash: e.anchorTxHash,
    block_height: e.anchorBlockHeight,
    requested_at: e.anchorRequestedAt?.toISOString() ?? null,
    anchored_at: e.anchoredAt?.toISOString() ?? null,
  },
  created_at: e.createdAt.toISOString(),
  verification_text: `sha256(canonical text) = ${e.sha256}; check it with GET /api/vault/leos/${e.id}/proof and scripts/verify-vault-proof.mjs`,
});
