// Keys the project writes expire (the whole-suite check is test/redis-ttl-audit.ts, run at teardown).
import { describe, expect, it } from "vitest";
import { activeMinersKey, countActive, markActive, markInactive } from "../../src/services/miner/registry.ts";
import { testRedis } from "../helpers/auth.ts";

describe("miner registry key", () => {
  it("expires at the last deadline of any miner in it, so a chain whose miners died leaves nothing", async () => {
    const redis = testRedis();
    const chain = `ttl-${crypto.randomUUID()}`;
    const now = Date.now();
    await markActive(redis, chain, 1, now + 60_000);
    await markActive(redis, chain, 2, now + 600_000);
    await markActive(redis, chain, 1, now + 120_000); // miner 1 moves on; miner 2 still sets the expiry
    const pttl = await redis.pttl(activeMinersKey(chain));
    expect(pttl).toBeGreaterThan(600_000);
    expect(pttl).toBeLessThanOrEqual(600_000 + 2 * 60_000 + 1_000);
    expect(await countActive(redis, chain)).toBe(2);
    await markInactive(redis, chain, 2);
    await markActive(redis, chain, 1, now + 30_000);
    expect(await redis.pttl(activeMinersKey(chain))).toBeLessThanOrEqual(30_000 + 2 * 60_000 + 1_000);
    await redis.del(activeMinersKey(chain));
  });
});
