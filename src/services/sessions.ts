import { type Redis, redisScript } from "../lib/redis.ts";

/**
 * Live sessions in Redis (seed layout: `session:{user_id}`, TTL 1 hour).
 *
 *   session:{user_id}   hash   sid → {"last_seen":<epoch s>,"created_at":<epoch s>,"ip":..,"user_agent":..}
 *
 * Several devices per user are several fields. The key's TTL is SESSION_TTL_SECONDS and slides on
 * every authenticated request; each field also idles out on its own (`last_seen` older than the TTL
 * means the session has ended, even if another device kept the key alive).
 *
 * `sid` is the refresh-token family id: Postgres is the source of truth for whether a session may
 * continue (the family is not revoked), Redis is the fast per-request check and the instant kill
 * switch. A valid refresh re-opens a session that idled out; logout deletes it at once.
 *
 * Every function throws `SessionStoreError` when Redis cannot be reached or answers nonsense:
 * callers fail closed (503), never open.
 */
export const SESSION_TTL_SECONDS = 3600;

export type SessionMeta = { ip: string | null; userAgent: string | null };

export type SessionInfo = {
  sessionId: string;
  createdAt: number;
  lastSeen: number;
  ip: string | null;
  userAgent: string | null;
};

export class SessionStoreError extends Error {
  constructor(cause: unknown) {
    super("session store unavailable", { cause });
    this.name = "SessionStoreError";
  }
}

export const sessionKey = (userId: number) => `session:${userId}`;

const nowSeconds = () => Math.floor(Date.now() / 1000);

// `last_seen` is always the first member, written by encode() below, so the Lua scripts can
// update it with a string match instead of a JSON library (not every Redis-compatible engine
// ships cjson). The value stays valid JSON for every other reader.
function encode(lastSeen: number, createdAt: number, meta: SessionMeta): string {
  return JSON.stringify({
    last_seen: lastSeen,
    created_at: createdAt,
    ip: meta.ip,
    user_agent: meta.userAgent ? meta.userAgent.slice(0, 200) : null,
  });
}

/**
 * Checks that `sid` is a live session and slides it, atomically, in one round trip.
 * Returns 1 when alive; 0 (and removes the field) when missing, idle too long or unreadable.
 */
const TOUCH = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local seen, rest = string.match(v, '^{"last_seen":(%d+)(,.*)$')
if not seen or tonumber(ARGV[2]) - tonumber(seen) > tonumber(ARGV[3]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], '{"last_seen":' .. ARGV[2] .. rest)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * Creates (or re-opens) a session; prunes this user's idled-out sessions on the way. With
 * ARGV[5] = "keep", a session that is still alive keeps its entry (only `last_seen` moves).
 */
const OPEN = `
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local seen = string.match(all[i + 1], '^{"last_seen":(%d+),')
  if not seen or now - tonumber(seen) > ttl then redis.call('HDEL', KEYS[1], all[i]) end
end
local value = ARGV[2]
if ARGV[5] == 'keep' then
  local v = redis.call('HGET', KEYS[1], ARGV[1])
  local rest = v and string.match(v, '^{"last_seen":%d+(,.*)$')
  if rest then value = '{"last_seen":' .. ARGV[3] .. rest end
end
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('EXPIRE', KEYS[1], ttl)
return 1
`;

/** Ends every session of the user except ARGV[1] ("" for none); returns how many ended. */
const END_OTHERS = `
local n = 0
for _, sid in ipairs(redis.call('HKEYS', KEYS[1])) do
  if sid ~= ARGV[1] then redis.call('HDEL', KEYS[1], sid); n = n + 1 end
end
return n
`;

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new SessionStoreError(err);
  }
}

/**
 * Opens session `sessionId` for `userId` (login), or re-opens it after it idled out (refresh, with
 * `keepExisting` so a live session keeps its metadata).
 */
export async function openSession(
  redis: Redis,
  userId: number,
  sessionId: string,
  meta: SessionMeta,
  opts: { createdAt?: number; keepExisting?: boolean } = {},
): Promise<void> {
  const now = nowSeconds();
  const value = encode(now, opts.createdAt ?? now, meta);
  await guarded(() =>
    redisScript<number>(redis, OPEN).exec(
      [sessionKey(userId)],
      [sessionId, value, String(now), String(SESSION_TTL_SECONDS), opts.keepExisting ? "keep" : "new"],
    ),
  );
}

/**
 * The per-request check: true when the session is alive (and its idle timer restarts), false when
 * it has ended. One Redis round trip.
 */
export async function touchSession(redis: Redis, userId: number, sessionId: string): Promise<boolean> {
  const result = await guarded(() =>
    redisScript<number | string>(redis, TOUCH).exec(
      [sessionKey(userId)],
      [sessionId, String(nowSeconds()), String(SESSION_TTL_SECONDS)],
    ),
  );
  // Anything but an explicit 1 (garbage, an error string) is not a live session.
  return Number(result) === 1;
}

/** Ends one session now: the next request with its access token gets 401. */
export async function endSession(redis: Redis, userId: number, sessionId: string): Promise<void> {
  await guarded(() => redis.hdel(sessionKey(userId), sessionId));
}

/** Ends every session of the user, or every one but `exceptSessionId`; returns how many ended. */
export async function endAllSessions(redis: Redis, userId: number, exceptSessionId = ""): Promise<number> {
  const n = await guarded(() => redisScript<number>(redis, END_OTHERS).exec([sessionKey(userId)], [exceptSessionId]));
  return Number(n) || 0;
}

/** The user's live sessions (idled-out ones left out), newest activity first. */
export async function listSessions(redis: Redis, userId: number): Promise<SessionInfo[]> {
  const raw: unknown = await guarded(() => redis.hgetall(sessionKey(userId)));
  const now = nowSeconds();
  const out: SessionInfo[] = [];
  for (const [sessionId, value] of hashEntries(raw)) {
    try {
      const v = JSON.parse(String(value)) as {
        last_seen?: unknown;
        created_at?: unknown;
        ip?: unknown;
        user_agent?: unknown;
      };
      if (typeof v.last_seen !== "number" || now - v.last_seen > SESSION_TTL_SECONDS) continue;
      out.push({
        sessionId,
        lastSeen: v.last_seen,
        createdAt: typeof v.created_at === "number" ? v.created_at : v.last_seen,
        ip: typeof v.ip === "string" ? v.ip : null,
        userAgent: typeof v.user_agent === "string" ? v.user_agent : null,
      });
    } catch {
      // An unreadable entry is not a session.
    }
  }
  return out.sort((a, b) => b.lastSeen - a.lastSeen);
}

/** HGETALL's reply as [field, value] pairs: a flat array without automatic deserialisation, an object with it. */
export function hashEntries(raw: unknown): Array<[string, string]> {
  if (Array.isArray(raw)) {
    const out: Array<[string, string]> = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push([String(raw[i]), String(raw[i + 1])]);
    return out;
  }
  if (raw && typeof raw === "object")
    return Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  return [];
}
