import { getAuth } from "../middleware/auth.ts";
import { IDEMPOTENCY_HEADER, type IdempotencyClaim, REPLAY_HEADER } from "../services/idempotency.ts";
import { runIdempotent } from "../services/idempotent-request.ts";
import type { Ctx } from "./request-kit.ts";

/**
 * Runs a creating POST of the signed-in user under its Idempotency-Key (if any): a replay answers
 * the stored result (with the Idempotent-Replayed header); a failure releases the key so the client
 * can retry. `run` must complete the claim inside its own database transaction (see
 * services/idempotent-request.ts). Answer with `c.json(result.body, result.status)`.
 */
export async function idempotent<T>(
  c: Ctx,
  operation: string,
  request: unknown,
  run: (claim: IdempotencyClaim | undefined) => Promise<T>,
): Promise<{ body: T; status: 201 }> {
  const result = await runIdempotent(
    c.var.services.db,
    {
      userId: getAuth(c).userId,
      keyHeader: c.req.header(IDEMPOTENCY_HEADER),
      operation,
      request,
      waitUntil: (p) => c.executionCtx.waitUntil(p),
    },
    run,
  );
  if (result.replayed) c.header(REPLAY_HEADER, "true");
  return { body: result.body, status: result.status };
}
