/**
 * Which miners are running, for the pool numbers: a Redis sorted set per chain,
 * `miner:active:{chain}`, member = user id, score = the time (ms) until which that miner counts as
 * active. A running miner pushes its deadline past its next round at every round and on start;
 * stop removes it. A miner that died without stopping (its Durable Object was reset) simply falls
 * out when its deadline passes, so the count never keeps ghosts.
 *
 * The key expires with its latest deadline, so a chain whose miners all died leaves nothing behind.
 *
 * Advisory data: the miner's own Durable Object is the truth about one miner. Every function here
 * throws on Redis errors; callers decide (the miner logs and carries on, the pool reports null).
 */
import { type Redis, redisScript } from "../../lib/redis.ts";

/** Slack after the next scheduled round before a silent miner stops counting as active. */
export const ACTIVE_GRACE_MS = 2 * 60 * 1000;

export const activeMinersKey = (chain: string) => `miner:active:${chain}`;

// Adds the member, then expires the set at its highest score (the last deadline of any miner in it).
const MARK_ACTIVE = `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
return 1`;

export async function markActive(redis: Redis, chain: string, userId: number, nextRoundAt: number): Promise<void> {
  await redisScript<number>(redis, MARK_ACTIVE).exec(
    [activeMinersKey(chain)],
    [String(nextRoundAt + ACTIVE_GRACE_MS), String(userId)],
  );
}

export async function markInactive(redis: Redis, chain: string, userId: number): Promise<void> {
  await redis.zrem(activeMinersKey(chain), String(userId));
}

/** Miners active now (expired entries are dropped in the same round trip). */
export async function countActive(redis: Redis, chain: string, now = Date.now()): Promise<number> {
  const key = activeMinersKey(chain);
  const [, count] = (await redis
    .pipeline()
    .zremrangebyscore(key, 0, now - 1)
    .zcard(key)
    .exec()) as [unknown, unknown];
  return Number(count);
}
