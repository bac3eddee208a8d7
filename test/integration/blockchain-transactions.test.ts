// Wallets and transfers: exact amounts, Ed25519 signatures, row locks, 400/404/422 rules.

import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events, wallets } from "../../src/db/schema/index.ts";
import { addressFromPublicKey, verifyWalletSignature } from "../../src/lib/crypto/wallet-keys.ts";
import { parseAmount } from "../../src/services/chain/amount.ts";
import { hashTransaction, transactionSigningPayload } from "../../src/services/chain/transaction-hash.ts";
import { createTransfer } from "../../src/services/chain/transfer.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { directDb, mineOk, type TxJson, testChain, transfer, verify, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const chain = testChain();
let alice: TestUser;
let bob: TestUser;
let bobAddress: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
  bobAddress = (await walletOf(bob)).address;
});

const balanceOf = async (user: TestUser) => (await walletOf(user)).balance;

describe("wallet and balance", () => {
  it("show the primary wallet with an exact balance", async () => {
    const res = await api("/api/blockchain/wallet", { headers: alice.headers });
    expect(res.status).toBe(200);
    const wallet = await res.json<{ address: string; balance: string; label: string; public_key: string }>();
    expect(wallet.address).toMatch(/^RD[0-9a-f]{38}$/);
    expect(wallet.balance).toBe("100.00000000");
    expect(typeof wallet.label).toBe("string");
    const raw = Uint8Array.from(atob(`${wallet.public_key.replace(/-/g, "+").replace(/_/g, "/")}=`), (ch) =>
      ch.charCodeAt(0),
    );
    expect(await addressFromPublicKey(raw)).toBe(wallet.address);

    const balance = await (await api("/api/blockchain/balance", { headers: alice.headers })).json();
    expect(balance).toEqual({ address: wallet.address, balance: "100.00000000" });
  });

  it("need a login", async () => {
    await expectProblem(await api("/api/blockchain/wallet"), 401);
    await expectProblem(await api("/api/blockchain/balance"), 401);
    await expectProblem(await api("/api/blockchain/transactions"), 401);
    await expectProblem(
      await api("/api/blockchain/transactions", { method: "POST", json: { to_address: bobAddress, amount: "1" } }),
      401,
    );
  });
});

describe("POST /transactions", () => {
  it("moves an exact amount, signs it and returns the pending transaction", async () => {
    const [sender, receiver] = await Promise.all([createUser(), createUser()]);
    const to = (await walletOf(receiver)).address;
    const from = (await walletOf(sender)).address;
    const res = await transfer(chain, sender, { to_address: to, amount: "12.34567891", message: "for lunch" });
    expect(res.status).toBe(201);
    const tx = await res.json<TxJson>();
    expect(tx).toMatchObject({
      from_address: from,
      to_address: to,
      amount: "12.34567891",
      fee: "0.00000000",
      message: "for lunch",
      is_confirmed: false,
      block_height: null,
    });
    expect(Number.isNaN(Date.parse(tx.created_at))).toBe(false);
    expect(await balanceOf(sender)).toBe("87.65432109");
    expect(await balanceOf(receiver)).toBe("112.34567891");

    // Anyone can check the hash and the signature from the JSON alone.
    const payload = {
      from_address: tx.from_address,
      to_address: tx.to_address,
      amount: tx.amount,
      fee: tx.fee,
      message: tx.message,
      timestamp: tx.timestamp,
      nonce: tx.nonce,
    };
    expect(await hashTransaction(payload)).toBe(tx.transaction_hash);
    expect(await verifyWalletSignature(tx.public_key, transactionSigningPayload(payload), tx.signature)).toBe(true);

    const fetched = await (await api(`/api/blockchain/transactions/${tx.transaction_hash}`)).json<TxJson>();
    expect(fetched).toEqual(tx);
    for (const user of [sender, receiver]) {
      const mine = await (
        await api("/api/blockchain/transactions", { headers: { ...user.headers, ...chain.headers } })
      ).json<TxJson[]>();
      expect(mine.map((t) => t.transaction_hash)).toContain(tx.transaction_hash);
    }
    const others = await (
      await api("/api/blockchain/transactions", { headers: { ...alice.headers, ...chain.headers } })
    ).json<TxJson[]>();
    expect(others.map((t) => t.transaction_hash)).not.toContain(tx.transaction_hash);

    const block = await mineOk(chain, alice);
    const confirmed = await (await api(`/api/blockchain/transactions/${tx.transaction_hash}`)).json<TxJson>();
    expect(confirmed).toMatchObject({ is_confirmed: true, block_height: block.height });
    expect((await verify(chain)).valid).toBe(true);
  });

  it("accepts a number with few significant digits and a number-like string exactly", async () => {
    const user = await createUser();
    expect((await transfer(chain, user, { to_address: bobAddress, amount: 0.1 })).status).toBe(201);
    expect((await transfer(chain, user, { to_address: bobAddress, amount: "0.2" })).status).toBe(201);
    expect((await transfer(chain, user, { to_address: bobAddress, amount: "0.0001" })).status).toBe(201);
    expect(await balanceOf(user)).toBe("99.69990000");
  });

  it("insufficient balance → 400, nothing moves", async () => {
    const user = await createUser();
    const res = await transfer(chain, user, { to_address: bobAddress, amount: "100.00000001" });
    const problem = await expectProblem(res, 400);
    expect(problem.detail).toMatch(/insufficient balance/i);
    expect(await balanceOf(user)).toBe("100.00000000");
    expect((await transfer(chain, user, { to_address: bobAddress, amount: "100" })).status).toBe(201);
    expect(await balanceOf(user)).toBe("0.00000000");
  });

  it("records one wallet.transfer audit event with the transfer, and none for a refused one", async () => {
    const user = await createUser();
    const sent = await transfer(
      chain,
      user,
      { to_address: bobAddress, amount: "1.5" },
      { "User-Agent": "audit-probe/1" },
    );
    expect(sent.status).toBe(201);
    const tx = await sent.json<TxJson>();
    await expectProblem(await transfer(chain, user, { to_address: bobAddress, amount: "1000" }), 400);
    const { db, close } = directDb();
    try {
      const rows = await db
        .select()
        .from(events)
        .where(and(eq(events.userId, user.id), eq(events.type, "wallet.transfer")));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        userAgent: "audit-probe/1",
        metadata: { chain: chain.id, transaction_id: tx.id, amount: "1.50000000" },
      });
    } finally {
      await close();
    }
  });

  it("unknown recipient → 404; yourself → 422", async () => {
    await expectProblem(await transfer(chain, alice, { to_address: `RD${"0".repeat(38)}`, amount: "1" }), 404);
    const own = (await walletOf(alice)).address;
    await expectProblem(await transfer(chain, alice, { to_address: own, amount: "1" }), 422);
  });

  it("a recipient balance past the largest amount → 422, nothing moves", async () => {
    const [sender, receiver] = await Promise.all([createUser(), createUser()]);
    const to = (await walletOf(receiver)).address;
    const { db, close } = directDb();
    try {
      await db.update(wallets).set({ balance: "999999999999.99980000" }).where(eq(wallets.address, to));
    } finally {
      await close();
    }
    await expectProblem(await transfer(chain, sender, { to_address: to, amount: "0.0002" }), 422);
    expect(await balanceOf(sender)).toBe("100.00000000");
    expect(await balanceOf(receiver)).toBe("999999999999.99980000");
    expect((await transfer(chain, sender, { to_address: to, amount: "0.0001" })).status).toBe(201);
    expect(await balanceOf(receiver)).toBe("999999999999.99990000");
  });

  // The checks before signing read the wallets without a lock; these change them in between, as
  // a concurrent request would, and expect the locked re-check to refuse and write nothing.
  it.each([
    ["sender spent the coins meanwhile", "sender", "0.50000000", 400],
    ["recipient filled up meanwhile", "recipient", "999999999999.99990000", 422],
  ] as const)("re-checks under the lock: %s", async (_name, who, balance, status) => {
    const [sender, receiver] = await Promise.all([createUser(), createUser()]);
    const [from, to] = await Promise.all([walletOf(sender), walletOf(receiver)]);
    const { db, close } = directDb();
    const racing = Object.create(db, {
      batch: {
        value: async (queries: Parameters<typeof db.batch>[0]) => {
          const address = who === "sender" ? from.address : to.address;
          await db.update(wallets).set({ balance }).where(eq(wallets.address, address));
          return db.batch(queries);
        },
      },
    }) as typeof db;
    try {
      const run = createTransfer(
        { db: racing, masterKey: env.WALLET_MASTER_KEY, chain: chain.id },
        { userId: sender.id, toAddress: to.address, amountUnits: parseAmount("1"), message: null },
      );
      await expect(run).rejects.toMatchObject({ status });
    } finally {
      await close();
    }
    expect(await balanceOf(sender)).toBe(who === "sender" ? balance : "100.00000000");
    expect(await balanceOf(receiver)).toBe(who === "recipient" ? balance : "100.00000000");
  });

  it("20 concurrent transfers from one wallet never overdraw it", async () => {
    const [sender, receiver] = await Promise.all([createUser(), createUser()]);
    const to = (await walletOf(receiver)).address;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => transfer(chain, sender, { to_address: to, amount: "7" })),
    );
    const statuses = results.map((r) => r.status).sort();
    for (const r of results) if (r.status !== 201) await expectProblem(r, 400);
    expect(statuses.filter((s) => s === 201)).toHaveLength(14); // 14 × 7 = 98 ≤ 100 < 15 × 7
    expect(statuses.filter((s) => s === 400)).toHaveLength(6);
    expect(await balanceOf(sender)).toBe("2.00000000");
    expect(await balanceOf(receiver)).toBe("198.00000000");
  });

  it("opposite concurrent transfers between two wallets do not deadlock and conserve coins", async () => {
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const [wa, wb] = await Promise.all([walletOf(a), walletOf(b)]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? transfer(chain, a, { to_address: wb.address, amount: "3" })
          : transfer(chain, b, { to_address: wa.address, amount: "2" }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(await balanceOf(a)).toBe("95.00000000");
    expect(await balanceOf(b)).toBe("105.00000000");
  });
});

describe("GET /transactions", () => {
  it("pages my transactions newest first", async () => {
    const user = await createUser();
    for (const amount of ["1", "2", "3"])
      expect((await transfer(chain, user, { to_address: bobAddress, amount })).status).toBe(201);
    const page = await (
      await api("/api/blockchain/transactions?limit=2", { headers: { ...user.headers, ...chain.headers } })
    ).json<TxJson[]>();
    expect(page.map((t) => t.amount)).toEqual(["3.00000000", "2.00000000"]);
    const next = await (
      await api("/api/blockchain/transactions?limit=2&offset=2", { headers: { ...user.headers, ...chain.headers } })
    ).json<TxJson[]>();
    expect(next.map((t) => t.amount)).toEqual(["1.00000000"]);
    // Keyset: the page below the last id seen is the same page, whatever the depth.
    const below = await (
      await api(`/api/blockchain/transactions?limit=2&before=${page[1]!.id}`, {
        headers: { ...user.headers, ...chain.headers },
      })
    ).json<TxJson[]>();
    expect(below).toEqual(next);
    const none = await (
      await api(`/api/blockchain/transactions?before=${next[0]!.id}`, {
        headers: { ...user.headers, ...chain.headers },
      })
    ).json<TxJson[]>();
    expect(none).toEqual([]);
  });

  it("an unknown hash is 404; a malformed one 422", async () => {
    await expectProblem(await api(`/api/blockchain/transactions/${"cd".repeat(32)}`), 404);
    for (const bad of ["abc", "a".repeat(63), "z".repeat(64), "1%20OR%201=1"]) {
      await expectProblem(await api(`/api/blockchain/transactions/${bad}`), 422);
    }
  });
});

describe("bad transfer bodies → 4xx problem, nothing moves", () => {
  const cases: Array<[string, unknown, number]> = [
    ["missing amount", { to_address: `RD${"1".repeat(38)}` }, 422],
    ["missing to_address", { amount: "1" }, 422],
    ["empty object", {}, 422],
    ["negative amount", { to_address: "TO", amount: "-5" }, 422],
    ["negative number", { to_address: "TO", amount: -5 }, 422],
    ["zero", { to_address: "TO", amount: "0" }, 422],
    ["below the minimum", { to_address: "TO", amount: "0.00009999" }, 422],
    ["9 decimals", { to_address: "TO", amount: "1.000000001" }, 422],
    ["9 decimals as a number", { to_address: "TO", amount: 0.000000001 }, 422],
    ["exponent", { to_address: "TO", amount: "1e3" }, 422],
    ["huge", { to_address: "TO", amount: "9999999999999999999999" }, 422],
    ["huge number", { to_address: "TO", amount: 1e300 }, 422],
    ["imprecise number", { to_address: "TO", amount: 0.30000000000000004 }, 422],
    ["2**53 + 1", { to_address: "TO", amount: 9007199254740993 }, 422],
    ["amount as an object", { to_address: "TO", amount: { $gt: 0 } }, 422],
    ["amount as an array", { to_address: "TO", amount: ["1"] }, 422],
    ["amount null", { to_address: "TO", amount: null }, 422],
    ["amount true", { to_address: "TO", amount: true }, 422],
    ["amount with spaces", { to_address: "TO", amount: " 1" }, 422],
    ["leading zeros", { to_address: "TO", amount: "007" }, 422],
    ["malformed address", { to_address: "RDxyz", amount: "1" }, 422],
    ["uppercase address", { to_address: `RD${"A".repeat(38)}`, amount: "1" }, 422],
    ["address as a number", { to_address: 12, amount: "1" }, 422],
    ["message too long", { to_address: "TO", amount: "1", message: "m".repeat(501) }, 422],
    ["message as a number", { to_address: "TO", amount: "1", message: 5 }, 422],
    ["server-owned field", { to_address: "TO", amount: "1", from_address: `RD${"2".repeat(38)}` }, 422],
    ["signature supplied", { to_address: "TO", amount: "1", signature: "x" }, 422],
    ["array body", [], 422],
    ["null body", null, 422],
    ["string body", "hi", 422],
  ];
  it.each(cases)("%s", async (_name, body, status) => {
    const user = await createUser();
    const patched = JSON.parse(JSON.stringify(body, (k, v) => (k === "to_address" && v === "TO" ? bobAddress : v)));
    await expectProblem(await transfer(chain, user, patched), status);
    expect(await balanceOf(user)).toBe("100.00000000");
  });

  it("malformed JSON → 400, wrong content type → 415, missing body → 422", async () => {
    const headers = { ...alice.headers, ...chain.headers };
    await expectProblem(
      await api("/api/blockchain/transactions", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: '{"amount":',
      }),
      400,
    );
    await expectProblem(
      await api("/api/blockchain/transactions", {
        method: "POST",
        headers: { ...headers, "Content-Type": "text/plain" },
        body: "x",
      }),
      415,
    );
    const res = await api("/api/blockchain/transactions", { method: "POST", headers });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
