// Idempotency-Key on POST /blocks, /mine and /transactions: replay, mismatch, in flight, per user.

import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../src/db/schema/index.ts";
import { pruneExpiredIdempotencyKeys } from "../../src/services/idempotency.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { type BlockJson, directDb, mine, type TxJson, testChain, transfer, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

let alice: TestUser;
let bob: TestUser;
let bobAddress: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
  bobAddress = (await walletOf(bob)).address;
});

const key = () => crypto.randomUUID();
const headOf = async (chain: ReturnType<typeof testChain>) =>
  (await (await api("/api/blockchain/stats", { headers: chain.headers })).json<{ height: number | null }>()).height;

describe("POST /blocks with an Idempotency-Key", () => {
  it("a replay returns the original block and mines nothing new", async () => {
    const chain = testChain();
    const k = key();
    const miner = await createUser();
    const first = await mine(chain, miner, { headers: { "Idempotency-Key": k } });
    expect(first.status).toBe(201);
    const block = await first.json<BlockJson>();
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();

    const again = await mine(chain, miner, { headers: { "Idempotency-Key": k } });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(block);
    // POST /mine is the same operation: the same key replays there too.
    const viaMine = await api("/api/blockchain/mine", {
      method: "POST",
      headers: { ...chain.headers, ...miner.headers, "Idempotency-Key": k },
    });
    expect(await viaMine.json()).toEqual(block);
    expect(await headOf(chain)).toBe(block.height);
    expect((await walletOf(miner)).balance).toBe("150.00000000"); // one reward
  });

  it("the same key with a different request → 422", async () => {
    const chain = testChain();
    const k = key();
    expect(
      (await mine(chain, alice, { headers: { "Idempotency-Key": k }, body: { max_transactions: 5 } })).status,
    ).toBe(201);
    await expectProblem(
      await mine(chain, alice, { headers: { "Idempotency-Key": k }, body: { max_transactions: 6 } }),
      422,
    );
    // and across operations
    await expectProblem(
      await transfer(chain, alice, { to_address: bobAddress, amount: "1" }, { "Idempotency-Key": k }),
      422,
    );
  });

  it("keys are scoped per user: another user's key is a new request", async () => {
    const chain = testChain();
    const k = key();
    const a = await (await mine(chain, alice, { headers: { "Idempotency-Key": k } })).json<BlockJson>();
    const b = await (await mine(chain, bob, { headers: { "Idempotency-Key": k } })).json<BlockJson>();
    expect(b.height).toBe(a.height + 1);
    expect(b.miner_address).toBe(bobAddress);
  });

  it("concurrent requests with one key make exactly one block (the rest replay it or get 409)", async () => {
    const chain = testChain();
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => mine(chain, alice, { headers: { "Idempotency-Key": k } })),
    );
    const created: BlockJson[] = [];
    for (const r of results) {
      if (r.status === 409) await expectProblem(r, 409);
      else {
        expect(r.status).toBe(201);
        created.push(await r.json<BlockJson>());
      }
    }
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((b) => b.hash)).size).toBe(1);
    expect(await headOf(chain)).toBe(created[0]!.height);
  });
});

describe("POST /transactions with an Idempotency-Key", () => {
  it("a replay returns the original transaction and moves the coins once", async () => {
    const chain = testChain();
    const user = await createUser();
    const k = key();
    const body = { to_address: bobAddress, amount: "10", message: "once" };
    const first = await transfer(chain, user, body, { "Idempotency-Key": k });
    expect(first.status).toBe(201);
    const tx = await first.json<TxJson>();
    // "10" and "10.00000000" are the same amount, so the same request.
    const replay = await transfer(chain, user, { ...body, amount: "10.00000000" }, { "Idempotency-Key": `"${k}"` });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json()).toEqual(tx);
    expect((await walletOf(user)).balance).toBe("90.00000000");
    await expectProblem(await transfer(chain, user, { ...body, amount: "11" }, { "Idempotency-Key": k }), 422);
  });

  it("a failed request releases its key: fixing the problem and retrying works", async () => {
    const chain = testChain();
    const user = await createUser();
    const k = key();
    await expectProblem(
      await transfer(chain, user, { to_address: `RD${"9".repeat(38)}`, amount: "1" }, { "Idempotency-Key": k }),
      404,
    );
    await expectProblem(
      await transfer(chain, user, { to_address: bobAddress, amount: "500" }, { "Idempotency-Key": k }),
      400,
    );
    expect(
      (await transfer(chain, user, { to_address: bobAddress, amount: "5" }, { "Idempotency-Key": k })).status,
    ).toBe(201);
  });

  it("20 concurrent transfers with one key move the coins exactly once", async () => {
    const chain = testChain();
    const user = await createUser();
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        transfer(chain, user, { to_address: bobAddress, amount: "3" }, { "Idempotency-Key": k }),
      ),
    );
    const hashes = new Set<string>();
    for (const r of results) {
      if (r.status === 409) await expectProblem(r, 409);
      else {
        expect(r.status).toBe(201);
        hashes.add((await r.json<TxJson>()).transaction_hash);
      }
    }
    expect(hashes.size).toBe(1);
    expect((await walletOf(user)).balance).toBe("97.00000000");
  });
});

describe("malformed Idempotency-Key → 400", () => {
  it.each([
    ["empty", ""],
    ["too short", "x"],
    ["too long", "k".repeat(256)],
    ["spaces", "has spaces in it"],
    ["non-ASCII", "ключ-ключ-ключ"],
  ])("%s", async (_name, value) => {
    const chain = testChain();
    let res: Response;
    try {
      res = await mine(chain, alice, { headers: { "Idempotency-Key": value } });
    } catch {
      return; // a header value the runtime itself refuses to send
    }
    await expectProblem(res, 400);
    await expectProblem(await api("/api/blockchain/blocks/1", { headers: chain.headers }), 404);
  });
});

describe("expiry", () => {
  it("an expired key is a new request, and expired records are pruned", async () => {
    const chain = testChain();
    const user = await createUser();
    const k = key();
    expect(
      (await transfer(chain, user, { to_address: bobAddress, amount: "1" }, { "Idempotency-Key": k })).status,
    ).toBe(201);
    const { db, close } = directDb();
    try {
      const mineKey = and(eq(idempotencyKeys.userId, user.id), eq(idempotencyKeys.key, k));
      await db.update(idempotencyKeys).set({ expiresAt: sql`now() - interval '1 second'` }).where(mineKey);
      // Expired: the same key now runs a (different) request instead of answering 422.
      const again = await transfer(chain, user, { to_address: bobAddress, amount: "2" }, { "Idempotency-Key": k });
      expect(again.status).toBe(201);
      expect(again.headers.get("Idempotent-Replayed")).toBeNull();
      expect((await walletOf(user)).balance).toBe("97.00000000");

      await db.update(idempotencyKeys).set({ expiresAt: sql`now() - interval '1 second'` }).where(mineKey);
      await pruneExpiredIdempotencyKeys(db);
      expect(await db.select().from(idempotencyKeys).where(mineKey)).toEqual([]);
    } finally {
      await close();
    }
  });
});
