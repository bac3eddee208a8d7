// Where the embedded Redis engine (ioredis-mock) would quietly differ from Redis, these make it
// fail as Redis does: a command it cannot run is an unknown command (never a silent no-op or a
// non-blocking imitation of a blocking one), a command on a key of the wrong type is WRONGTYPE,
// and SCAN … TYPE filters by type (the mock rejects the option).

type Fn = (...args: unknown[]) => Promise<unknown>;
export type Mock = Record<string, Fn>;

/** Redis' own reply for a command it does not have (redis 7: each argument quoted, then a space). */
export function unknownCommand(raw: string, args: string[]): string {
  return `ERR unknown command '${raw}', with args beginning with: ${args.map((a) => `'${a.slice(0, 128)}' `).join("")}`;
}

/** ioredis-mock defines a stub that throws "Unsupported command" for what it lacks (COPY, BLPOP…). */
export function supported(mock: Mock, name: string): boolean {
  let known = supportedByName.get(name);
  if (known === undefined) {
    const fn = mock[name];
    known = typeof fn === "function" && !String(fn).includes("Unsupported command");
    supportedByName.set(name, known);
  }
  return known;
}
const supportedByName = new Map<string, boolean>(); // every mock instance has the same commands

export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

// The type each command expects of its first key (the common commands; others are not checked).
const FAMILIES: Record<string, string> = {};
const family = (type: string, names: string) => {
  for (const n of names.split(" ")) FAMILIES[n] = type;
};
family("string", "get getset getdel getex getrange setrange append strlen incr incrby incrbyfloat decr decrby");
family(
  "hash",
  "hset hsetnx hget hmget hmset hgetall hdel hlen hexists hkeys hvals hincrby hincrbyfloat hstrlen hscan hrandfield",
);
family("list", "lpush rpush lpushx rpushx lpop rpop lrange llen lindex lset lrem ltrim linsert lpos");
family("set", "sadd srem smembers sismember smismember scard spop srandmember sscan");
family(
  "zset",
  "zadd zrem zrange zrevrange zrangebyscore zrevrangebyscore zscore zmscore zcard zincrby zrank zrevrank zcount " +
    "zremrangebyscore zremrangebyrank zpopmin zpopmax zscan",
);

/** Redis' WRONGTYPE error when the command's key exists with another type, else undefined. */
export async function wrongType(mock: Mock, name: string, args: string[]): Promise<string | undefined> {
  const expected = FAMILIES[name];
  if (!expected || args[0] === undefined) return undefined;
  const actual = String(await mock.type!(args[0]));
  return actual !== "none" && actual !== expected ? WRONGTYPE : undefined;
}

/** SCAN cursor [MATCH p] [COUNT n] TYPE t: the mock's SCAN without TYPE, filtered by each key's type. */
export async function scanWithType(mock: Mock, args: string[]): Promise<unknown> {
  const at = args.findIndex((a, i) => i > 0 && a.toUpperCase() === "TYPE");
  if (at < 0 || args[at + 1] === undefined) return undefined;
  const wanted = args[at + 1]!.toLowerCase();
  const rest = [...args.slice(0, at), ...args.slice(at + 2)].map((a, i) =>
    i > 0 && /^(match|count)$/i.test(a) ? a.toUpperCase() : a,
  );
  const [cursor, keys] = (await mock.scan!(...rest)) as [string, string[]];
  const kept: string[] = [];
  for (const key of keys) if (String(await mock.type!(key)) === wanted) kept.push(key);
  return [cursor, kept];
}
