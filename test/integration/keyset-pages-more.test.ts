// Keyset paging on the lists that paged by offset only: blocks and my mined blocks (cursor = height),
// Prism's audit log (cursor = id). Each walked to its end through the Link header while rows are
// added at the head between pages: every row that existed when the walk started comes exactly once,
// in order, none of the new ones; `offset` still pages as it did for old clients.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events, users } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { mineOk, type TestChain, testChain } from "../helpers/chain.ts";
import { expectExact, ok, walk } from "../helpers/keyset-walk.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

describe("keyset pages: blocks (cursor = height)", () => {
  let chain: TestChain;
  let miner: TestUser;
  let headers: Record<string, string>;

  beforeAll(async () => {
    chain = testChain();
    miner = await createUser();
    headers = { ...chain.headers, ...miner.headers };
    for (let i = 0; i < 6; i++) await mineOk(chain, miner);
  });

  it("the chain's blocks walk to the genesis block while blocks are mined between pages", async () => {
    const all = await ok<{ height: number }[]>(await api("/api/blockchain/blocks?limit=100", { headers }));
    expect(all.map((b) => b.height)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const mined: number[] = [];
    const w = await walk(
      "/api/blockchain/blocks?limit=3",
      headers,
      async () => mined.push((await mineOk(chain, miner)).height),
      { key: "height" },
    );
    expect(w.pages).toBe(3); // 3 + 3 + 1
    expectExact(
      w.ids,
      all.map((b) => b.height),
      mined,
    );
    // Old clients: `offset` pages as before, counted from the (now taller) head.
    const byOffset = await ok<{ height: number }[]>(await api("/api/blockchain/blocks?limit=2&offset=1", { headers }));
    expect(byOffset.map((b) => b.height)).toEqual([mined.at(-1)! - 1, mined.at(-1)! - 2]);
  });

  it("my mined blocks walk to their end while I mine more; the total counts them all", async () => {
    const mineList = (url: string) => api(url, { headers });
    const first = await mineList("/api/miner/blocks?limit=100");
    const all = await ok<{ height: number }[]>(first);
    expect(all.length).toBeGreaterThanOrEqual(6);
    const mined: number[] = [];
    const w = await walk(
      "/api/miner/blocks?limit=4",
      headers,
      async () => mined.push((await mineOk(chain, miner)).height),
      { key: "height" },
    );
    expectExact(
      w.ids,
      all.map((b) => b.height),
      mined,
    );
    const last = await mineList(w.links.at(-1)!);
    await last.text();
    expect(Number(last.headers.get("X-Total-Count"))).toBe(all.length + mined.length);
    const byOffset = await ok<{ height: number }[]>(await mineList("/api/miner/blocks?limit=2&offset=2"));
    expect(byOffset).toHaveLength(2);
    expect(byOffset[0]!.height).toBeGreaterThan(byOffset[1]!.height);
  });
});

describe("keyset pages: Prism audit events (cursor = id)", () => {
  it("a user's events walk to their end while events are recorded; the total stays the filter's", async () => {
    const db = testDb();
    const admin = await createUser();
    await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
    const subject = await createUser();
    const record = async () =>
      (
        await db
          .insert(events)
          .values({ userId: subject.id, type: "keyset.walked", metadata: {} })
          .returning({ id: events.id })
      )[0]!.id;
    for (let i = 0; i < 5; i++) await record();
    const url = `/api/prism/events?user_id=${subject.id}&type=keyset.walked`;
    type Page = { items: { id: number }[]; total: number };
    const all = await ok<Page>(await api(`${url}&limit=100`, { headers: admin.headers }));
    expect(all.items).toHaveLength(5);
    const recorded: number[] = [];
    const w = await walk(`${url}&limit=2`, admin.headers, async () => recorded.push(await record()));
    expect(w.pages).toBe(3);
    expectExact(
      w.ids,
      all.items.map((e) => e.id),
      recorded,
    );
    const last = await ok<Page>(await api(w.links.at(-1)!, { headers: admin.headers }));
    expect(last.total).toBe(5 + recorded.length);
    const byOffset = await ok<Page>(await api(`${url}&limit=2&offset=2`, { headers: admin.headers }));
    const now = await ok<Page>(await api(`${url}&limit=100`, { headers: admin.headers }));
    expect(byOffset.items.map((e) => e.id)).toEqual(now.items.slice(2, 4).map((e) => e.id));
  });
});
