import { notFound, serviceUnavailable } from "../../lib/errors.ts";
import type { AuthContext } from "../../types.ts";
import { recordEventLater } from "../audit.ts";
import { endSession, listSessions, SessionStoreError } from "../sessions.ts";
import { revokeFamily } from "./tokens.ts";
import type { AuthDeps } from "./types.ts";

export type SessionView = {
  id: string;
  current: boolean;
  created_at: string;
  last_seen: string;
  ip: string | null;
  user_agent: string | null;
};

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** Redis unreachable: callers answer 503 (a session list or kill switch that silently did nothing is worse). */
async function sessionStore<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SessionStoreError)
      throw serviceUnavailable("The session store cannot be reached right now; retry", "session-store-unavailable");
    throw err;
  }
}

/** The caller's live sessions (one per signed-in device), the most recently active first. */
export async function mySessions(deps: AuthDeps, auth: AuthContext): Promise<SessionView[]> {
  const sessions = await sessionStore(() => listSessions(deps.redis, auth.userId));
  return sessions.map((s) => ({
    id: s.sessionId,
    current: s.sessionId === auth.sessionId,
    created_at: iso(s.createdAt),
    last_seen: iso(s.lastSeen),
    ip: s.ip,
    user_agent: s.userAgent,
  }));
}

/**
 * Ends one of the caller's sessions (a lost phone): its refresh tokens are revoked in Postgres
 * first, then its Redis entry goes, so its access token is refused from the next request on.
 * Someone else's session, or one that has already ended, is a 404.
 */
export async function endMySession(deps: AuthDeps, auth: AuthContext, sessionId: string): Promise<void> {
  const revoked = await revokeFamily(deps.db, auth.userId, sessionId, "logout");
  const live =
    revoked || (await sessionStore(() => listSessions(deps.redis, auth.userId))).some((s) => s.sessionId === sessionId);
  if (!live) throw notFound("No such session");
  await sessionStore(() => endSession(deps.redis, auth.userId, sessionId));
  recordEventLater(
    deps.db,
    {
      type: "auth.session_ended",
      userId: auth.userId,
      ...deps.client,
      metadata: { current: sessionId === auth.sessionId },
    },
    deps.waitUntil,
  );
}
