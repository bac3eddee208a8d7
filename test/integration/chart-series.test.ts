// The series behind Pocket OS's charts: my wallet's balance over time (walked back from the balance
// in one snapshot, so every point is exact) and my activity per hour. Both are mine only.

import { describe, expect, it } from "vitest";
import type { BalanceHistory } from "../../src/services/chain/balance-history.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { mineOk, testChain, transfer, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Timeline = { hours: { hour: string; count: number }[]; total: number };

async function get<T>(path: string, user: TestUser): Promise<T> {
  const res = await api(path, { headers: user.headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
const historyOf = (user: TestUser, query = "") => get<BalanceHistory>(`/api/blockchain/wallet/history${query}`, user);

describe("balance history", () => {
  it("needs a token and refuses out-of-range limits", async () => {
    await expectProblem(await api("/api/blockchain/wallet/history"), 401);
    const user = await createUser();
    for (const limit of ["0", "501", "abc", "1.5"]) {
      const p = await expectProblem(
        await api(`/api/blockchain/wallet/history?limit=${limit}`, { headers: user.headers }),
        422,
      );
      expect(JSON.stringify(p)).toContain("limit");
    }
  });

  it("starts at the opening balance and follows transfers and block rewards exactly", async () => {
    const chain = testChain();
    const [alice, bob] = [await createUser(), await createUser()];
    const fresh = await historyOf(alice);
    const wallet = await walletOf(alice);
    expect(fresh).toMatchObject({ address: wallet.address, balance: "100.00000000", complete: true });
    expect(fresh.points).toEqual([
      { at: expect.any(String), balance: "100.00000000", change: "100.00000000", kind: "opened" },
    ]);

    const bobWallet = await walletOf(bob);
    const sent = await transfer(chain, alice, { to_address: bobWallet.address, amount: "2.5" });
    expect(sent.status).toBe(201);
    const block = await mineOk(chain, bob);
    expect(Number(block.reward)).toBeGreaterThan(0);

    const a = await historyOf(alice);
    expect(a.points.map((p) => [p.kind, p.change, p.balance])).toEqual([
      ["opened", "100.00000000", "100.00000000"],
      ["sent", "-2.50000000", "97.50000000"],
    ]);
    expect(a.balance).toBe((await walletOf(alice)).balance);

    const b = await historyOf(bob);
    const afterReward = (102.5 + Number(block.reward)).toFixed(8);
    expect(b.points.map((p) => [p.kind, p.change, p.balance])).toEqual([
      ["opened", "100.00000000", "100.00000000"],
      ["received", "2.50000000", "102.50000000"],
      ["mined", block.reward, afterReward],
    ]);
    expect(b.balance).toBe(afterReward);
    expect(b.balance).toBe((await walletOf(bob)).balance);
    // Oldest first, in time order.
    const times = b.points.map((p) => Date.parse(p.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);

    // A window shorter than the history ends at the current balance and says it is partial.
    const last = await historyOf(bob, "?limit=1");
    expect(last).toMatchObject({ complete: false, balance: afterReward });
    expect(last.points).toEqual([expect.objectContaining({ kind: "mined", balance: afterReward })]);
  });
});

describe("activity timeline", () => {
  it("needs a token and refuses out-of-range hours", async () => {
    await expectProblem(await api("/api/dashboard/activity/timeline"), 401);
    const user = await createUser();
    for (const hours of ["0", "169", "x"]) {
      await expectProblem(await api(`/api/dashboard/activity/timeline?hours=${hours}`, { headers: user.headers }), 422);
    }
  });

  it("counts my own events per hour, every hour present, and nobody else's", async () => {
    const [me, other] = [await createUser(), await createUser()];
    const mine = await get<{ total: number }>("/api/dashboard/activity?limit=1", me);
    expect(mine.total).toBeGreaterThan(0); // registering and signing in are audited

    const t = await get<Timeline>("/api/dashboard/activity/timeline?hours=6", me);
    expect(t.hours).toHaveLength(6);
    const starts = t.hours.map((h) => Date.parse(h.hour));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(3_600_000);
    expect(starts.at(-1)).toBe(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    expect(t.total).toBe(t.hours.reduce((s, h) => s + h.count, 0));
    expect(t.total).toBe(mine.total);

    // Another user's sign-ins do not count for me.
    await api("/api/auth/login", { method: "POST", json: { username: other.username, password: other.password } });
    expect((await get<Timeline>("/api/dashboard/activity/timeline?hours=6", me)).total).toBe(mine.total);
    expect((await get<Timeline>("/api/dashboard/activity/timeline", me)).hours).toHaveLength(24);
  });
});
