import { ApiError, serviceUnavailable } from "../../lib/errors.ts";
import { type Redis, redisScript } from "../../lib/redis.ts";
import { UnknownRecipientError } from "./compose.ts";

/**
 * RoadMail answers "Recipient not found: <address>" (the original's behaviour, and what a sender
 * needs to fix a typo), which also tells whether an address has an account. This bounds how many
 * unknown addresses one user may learn about: UNKNOWN_RECIPIENTS_PER_HOUR distinct unknown
 * addresses per user per clock hour (`mail-unknown:{user}:{hour}`, counted in Redis); past that,
 * every send naming an unknown address is a 429 that says nothing about which one. Sends to
 * existing addresses are not counted (they deliver real mail, under the general rate limit).
 */
export const UNKNOWN_RECIPIENTS_PER_HOUR = 20;

const COUNT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], 3700) end
return n
`;

/** Runs a send; an unknown-recipient 404 is counted against the caller's hourly budget first. */
export async function boundRecipientProbes<T>(redis: Redis, userId: number, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof UnknownRecipientError)) throw err;
    const hour = Math.floor(Date.now() / 3_600_000);
    let used: number;
    try {
      used = Number(
        await redisScript<number>(redis, COUNT).exec([`mail-unknown:${userId}:${hour}`], [String(err.distinct)]),
      );
    } catch {
      // Fail closed: an uncounted answer is exactly what the bound is for.
      throw serviceUnavailable("Recipients cannot be checked right now; retry shortly", "rate-limiter-unavailable");
    }
    if (used > UNKNOWN_RECIPIENTS_PER_HOUR) {
      const retryAfter = Math.max(1, Math.ceil(((hour + 1) * 3_600_000 - Date.now()) / 1000));
      throw new ApiError(
        429,
        "too-many-unknown-recipients",
        "Too many messages to unknown addresses this hour; try again later",
        {
          headers: { "Retry-After": String(retryAfter) },
        },
      );
    }
    throw err;
  }
}
