// A creating request run under its Idempotency-Key (services/idempotency.ts does the storage):
// without a key the operation simply runs; with one, a replay answers the stored result and a
// failure releases the key so the client can retry. Any write route can use it through
// routes/idempotent.ts, which reads the header and the caller from the request.
import type { Database } from "../lib/db.ts";
import {
  beginIdempotent,
  type IdempotencyClaim,
  parseIdempotencyKey,
  pruneExpiredIdempotencyKeys,
  releaseIdempotent,
  requestFingerprint,
} from "./idempotency.ts";

export type IdempotentRequest = {
  userId: number;
  /** The raw Idempotency-Key header (undefined: none sent). Malformed → 400. */
  keyHeader: string | undefined;
  /** Names what is being created; part of the request fingerprint. */
  operation: string;
  /** The normalised request; a repeated key with a different request is a 422. */
  request: unknown;
  /** Background work that must outlive the response (the occasional prune of expired keys). */
  waitUntil: (work: Promise<unknown>) => void;
};

export type IdempotentResult<T> = { body: T; status: 201; replayed: boolean };

/**
 * `run` must complete the claim inside its own database transaction (completeIdempotent), so the
 * stored result exists if and only if the operation committed.
 */
export async function runIdempotent<T>(
  db: Database,
  req: IdempotentRequest,
  run: (claim: IdempotencyClaim | undefined) => Promise<T>,
): Promise<IdempotentResult<T>> {
  const key = parseIdempotencyKey(req.keyHeader);
  if (key === undefined) return { body: await run(undefined), status: 201, replayed: false };
  if (Math.random() < 1 / 64) {
    req.waitUntil(pruneExpiredIdempotencyKeys(db).catch(() => undefined));
  }
  const begun = await beginIdempotent(db, {
    userId: req.userId,
    key,
    operation: req.operation,
    requestHash: await requestFingerprint(req.operation, req.request),
  });
  if (begun.kind === "replay") return { body: begun.body as T, status: begun.status as 201, replayed: true };
  try {
    return { body: await run(begun.claim), status: 201, replayed: false };
  } catch (err) {
    await releaseIdempotent(db, begun.claim);
    throw err;
  }
}
