// Idempotency-Key for POST endpoints (draft-ietf-httpapi-idempotency-key-header), stored in
// Postgres, scoped per user (user B reusing user A's key is a different record).
//
//   begin()     claims the key, or answers from the stored record:
//                 same key, same request, finished   → replay (the original status and body)
//                 same key, different request        → 422
//                 same key, first request still busy → 409
//   complete()  marks it done with the result, INSIDE the operation's own database transaction:
//               the result exists if and only if the operation committed.
//   release()   drops a claim whose operation failed (or whose outcome is unknown), so a retry
//               runs again. It only deletes a still-pending row holding our lock token, so if the
//               operation did commit after all, the row is "done" and the retry replays it.
//
// Why Postgres, not Redis: the completion must be atomic with the block or transfer it records.
// With a Redis record, a crash between the database commit and the Redis write would let a retry
// run the operation twice. Only successful (2xx) results are stored; errors release the key.
import canonicalize from "canonicalize";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "../db/schema/index.ts";
import { idempotencyKeys } from "../db/schema/index.ts";
import { ApiError, badRequest, conflict } from "../lib/errors.ts";

type Queryable = PgDatabase<PgQueryResultHKT, typeof schema>;

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** How long a finished result is replayed. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** How long a claim blocks retries before another request may take it over (its holder died). */
export const IDEMPOTENCY_LOCK_SECONDS = 60;

const KEY_RE = /^[\x21-\x7e]{8,255}$/;

export type IdempotencyClaim = { userId: number; key: string; token: string };

export type IdempotencyBegin =
  | { kind: "claimed"; claim: IdempotencyClaim }
  | { kind: "replay"; status: number; body: unknown };

/** The operation's claim completed by someone else, expired or was released: the work must not commit. */
export class IdempotencySupersededError extends Error {
  override name = "IdempotencySupersededError";
}

/**
 * The header's value: 8–255 visible ASCII characters, optionally as a quoted structured-field
 * string (`"…"`, as the draft defines it). Absent → undefined. Anything else → 400.
 */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let value = header.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!KEY_RE.test(value) || value.includes('"') || value.includes("\\")) {
    throw badRequest(
      "Idempotency-Key must be 8–255 visible ASCII characters (a UUID is recommended)",
      "invalid-idempotency-key",
    );
  }
  return value;
}

/** SHA-256 over the operation name and the canonical JSON of the (normalised) request. */
export async function requestFingerprint(operation: string, request: unknown): Promise<string> {
  const text = canonicalize({ operation, request }) ?? "null";
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function beginIdempotent(
  db: Queryable,
  input: { userId: number; key: string; operation: string; requestHash: string },
): Promise<IdempotencyBegin> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = crypto.randomUUID();
    // One statement: insert, or take over an expired record or a stale claim of the same request.
    const [claimed] = await db
      .insert(idempotencyKeys)
      .values({
        userId: input.userId,
        key: input.key,
        operation: input.operation,
        requestHash: input.requestHash,
        status: "pending",
        lockToken: token,
        lockedUntil: sql`now() + make_interval(secs => ${IDEMPOTENCY_LOCK_SECONDS})`,
        expiresAt: sql`now() + make_interval(secs => ${IDEMPOTENCY_TTL_SECONDS})`,
      })
      .onConflictDoUpdate({
        target: [idempotencyKeys.userId, idempotencyKeys.key],
        set: {
          operation: sql`excluded.operation`,
          requestHash: sql`excluded.request_hash`,
          status: "pending",
          lockToken: sql`excluded.lock_token`,
          lockedUntil: sql`excluded.locked_until`,
          responseStatus: null,
          responseBody: null,
          createdAt: sql`now()`,
          expiresAt: sql`excluded.expires_at`,
        },
        setWhere: sql`${idempotencyKeys.expiresAt} < now()
          or (${idempotencyKeys.status} = 'pending' and ${idempotencyKeys.lockedUntil} < now()
              and ${idempotencyKeys.requestHash} = excluded.request_hash)`,
      })
      .returning({ token: idempotencyKeys.lockToken });
    if (claimed?.token === token) return { kind: "claimed", claim: { userId: input.userId, key: input.key, token } };

    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.key)))
      .limit(1);
    if (!row) continue; // released in between: try to claim again
    if (row.requestHash !== input.requestHash) {
      throw new ApiError(
        422,
        "idempotency-key-reused",
        "This Idempotency-Key was already used with a different request",
      );
    }
    if (row.status === "done" && row.responseStatus !== null) {
      return { kind: "replay", status: row.responseStatus, body: row.responseBody };
    }
    throw conflict(
      "A request with this Idempotency-Key is still being processed; retry after it finishes",
      "idempotency-key-in-use",
    );
  }
  throw conflict("This Idempotency-Key is contended; retry shortly", "idempotency-key-in-use");
}

/** `claim`'s row while it is still ours (same lock token, still pending). */
const claimIsOurs = (claim: IdempotencyClaim) =>
  and(
    eq(idempotencyKeys.userId, claim.userId),
    eq(idempotencyKeys.key, claim.key),
    eq(idempotencyKeys.lockToken, claim.token),
    eq(idempotencyKeys.status, "pending"),
  );

/**
 * The statement that stores the result (not yet run). `body` may be SQL, so a one-round-trip batch
 * can fill in values the database assigns; `onlyIf` makes the completion conditional on the
 * operation's own effect in the same batch. Returns one row if the claim was still ours.
 */
export function completeIdempotentStatement(
  tx: Queryable,
  claim: IdempotencyClaim,
  status: number,
  body: unknown,
  onlyIf?: SQL,
) {
  return tx
    .update(idempotencyKeys)
    .set({ status: "done", responseStatus: status, responseBody: body })
    .where(and(claimIsOurs(claim), onlyIf))
    .returning({ key: idempotencyKeys.key });
}

/** Locks the claim's row (for a batch that must not commit its work if the claim is lost). */
export function lockClaimStatement(tx: Queryable, claim: IdempotencyClaim) {
  return tx
    .select({ token: idempotencyKeys.lockToken, status: idempotencyKeys.status })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, claim.userId), eq(idempotencyKeys.key, claim.key)))
    .for("update");
}

/** True while the claim is ours: for SQL conditions inside the operation's own statements. */
export function claimIsOursSql(claim: IdempotencyClaim): SQL {
  return sql`exists (select 1 from ${idempotencyKeys} where ${claimIsOurs(claim)})`;
}

/** Stores the result; call inside the operation's transaction. Throws if the claim was lost. */
export async function completeIdempotent(
  tx: Queryable,
  claim: IdempotencyClaim,
  status: number,
  body: unknown,
): Promise<void> {
  const done = await completeIdempotentStatement(tx, claim, status, body);
  if (done.length !== 1) throw new IdempotencySupersededError("the idempotency claim was lost before the commit");
}

/** Gives the key back after a failure. Never throws: an unreleased claim only expires later. */
export async function releaseIdempotent(db: Queryable, claim: IdempotencyClaim): Promise<void> {
  try {
    await db.delete(idempotencyKeys).where(claimIsOurs(claim));
  } catch (err) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "idempotency key not released; it expires on its own",
        error: String(err).slice(0, 200),
      }),
    );
  }
}

/** Records this long past their expiry are deleted (in small batches, after some requests). */
const PRUNE_BATCH = 500;

/**
 * Deletes a batch of expired records. Cheap (index on expires_at) and safe to run concurrently;
 * callers run it now and then in the background (expired records are also simply overwritten
 * when their key is used again).
 */
export async function pruneExpiredIdempotencyKeys(db: Queryable): Promise<void> {
  await db.execute(sql`
    delete from ${idempotencyKeys}
    where (${idempotencyKeys.userId}, ${idempotencyKeys.key}) in (
      select ${idempotencyKeys.userId}, ${idempotencyKeys.key} from ${idempotencyKeys}
      where ${idempotencyKeys.expiresAt} < now() limit ${PRUNE_BATCH}
    )`);
}

/** Replay header name (a response header, so clients can tell a replay from a fresh result). */
export const REPLAY_HEADER = "Idempotent-Replayed";
