import { serviceUnavailable } from "../../lib/errors.ts";
import type { AuthContext } from "../../types.ts";
import { recordEventLater } from "../audit.ts";
import { endSession, SessionStoreError } from "../sessions.ts";
import { revokeAllSessions, revokeFamily } from "./tokens.ts";
import type { AuthDeps } from "./types.ts";

/**
 * Ends the caller's session (or, with `all`, every session of the user) at once: the family is
 * revoked in Postgres first (so no refresh can bring it back), then the Redis session is deleted
 * (so the access token is refused on its next request). If Redis cannot be reached this is a 503,
 * never a success that did not happen; retrying is safe.
 */
export async function logout(
  deps: AuthDeps,
  auth: AuthContext,
  opts: { all: boolean },
): Promise<{ sessions_ended: number }> {
  const { db, redis } = deps;
  let ended: number;
  if (opts.all) {
    ended = await revokeAllSessions(deps, auth.userId, "logout_all");
  } else {
    ended = (await revokeFamily(db, auth.userId, auth.sessionId, "logout")) ? 1 : 0;
    try {
      await endSession(redis, auth.userId, auth.sessionId);
    } catch (err) {
      if (err instanceof SessionStoreError)
        throw serviceUnavailable("The session could not be ended right now; retry", "session-store-unavailable");
      throw err;
    }
    ended = Math.max(ended, 1);
  }
  recordEventLater(
    db,
    {
      type: opts.all ? "auth.logout_all" : "auth.logout",
      userId: auth.userId,
      ...deps.client,
      metadata: { sessions_ended: ended },
    },
    deps.waitUntil,
  );
  return { sessions_ended: ended };
}
