// Keyset paging (`?before=<id>`, X-Next-Cursor and Link: rel="next"): every paged list walked to its
// end, page by page through the Link header, with new rows inserted between pages. The walk must
// return each row that existed when it started exactly once, in order, and none of the new ones
// (they sort above the cursor); a page asked for again is served from the cache with the same cursor.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { jobs, users } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { expectExact, ok, walk } from "../helpers/keyset-walk.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

describe("keyset pages: mail", () => {
  let sender: TestUser;
  let reader: TestUser;
  const send = () =>
    api("/api/email/send", {
      method: "POST",
      headers: sender.headers,
      json: { to: reader.email, subject: "keyset", body: "x" },
    }).then((r) => ok<{ id: number }>(r, 201));

  beforeAll(async () => {
    [sender, reader] = (await createUsers(2)) as [TestUser, TestUser];
    for (let i = 0; i < 7; i++) await send();
  });

  it("the inbox walks to its end: each mail once, newest first, none of those that arrived meanwhile", async () => {
    const before = await ok<{ id: number }[]>(await api("/api/email/inbox?limit=100", { headers: reader.headers }));
    expect(before).toHaveLength(7);
    const arrived: number[] = [];
    const w = await walk("/api/email/inbox?limit=3", reader.headers, async () => {
      await send();
      const top = await ok<{ id: number }[]>(await api("/api/email/inbox?limit=1", { headers: reader.headers }));
      arrived.push(top[0]!.id);
    });
    expect(w.pages).toBe(3); // 3 + 3 + 1
    expectExact(
      w.ids,
      before.map((m) => m.id),
      arrived,
    );
  });

  it("the sent folder pages by the same cursor; offset still works", async () => {
    const all = await ok<{ id: number }[]>(await api("/api/email/sent?limit=100", { headers: sender.headers }));
    const w = await walk("/api/email/sent?limit=4", sender.headers, async () => {});
    expect(w.ids).toEqual(all.map((m) => m.id));
    const byOffset = await ok<{ id: number }[]>(
      await api("/api/email/sent?limit=4&offset=4", { headers: sender.headers }),
    );
    expect(byOffset.map((m) => m.id)).toEqual(all.slice(4, 8).map((m) => m.id));
  });
});

describe("keyset pages: social", () => {
  let author: TestUser;
  let follower: TestUser;
  const post = (content: string, isPublic = true) =>
    api("/api/social/posts", { method: "POST", headers: author.headers, json: { content, is_public: isPublic } }).then(
      (r) => ok<{ id: number }>(r, 201),
    );
  const seeded: number[] = [];

  beforeAll(async () => {
    [author, follower] = (await createUsers(2)) as [TestUser, TestUser];
    for (let i = 0; i < 5; i++) seeded.push((await post(`keyset ${i}`)).id);
    expect(
      (await api(`/api/social/users/${author.id}/follow`, { method: "POST", headers: follower.headers })).status,
    ).toBe(200);
  });

  it("a user's posts walk to their end under new posts", async () => {
    const posted: number[] = [];
    const w = await walk(`/api/social/users/${author.id}/posts?limit=2`, follower.headers, async () => {
      posted.push((await post("meanwhile")).id);
    });
    expect(w.pages).toBe(3);
    expectExact(w.ids, seeded, posted);
  });

  it("the feed walks to its end under new posts; a cached page replays its cursor", async () => {
    const all = await ok<{ id: number }[]>(await api("/api/social/feed?limit=100", { headers: follower.headers }));
    const posted: number[] = [];
    const w = await walk("/api/social/feed?limit=2", follower.headers, async () => {
      posted.push((await post("meanwhile")).id);
    });
    expectExact(
      w.ids,
      all.map((p) => p.id),
      posted,
    );
    // The same page twice: the second a HIT with the same cursor headers (other test files' posts
    // invalidate the feed too, so a pair may be two MISSes: try a few pairs).
    const url = w.links[0]!;
    let pair: [Response, Response] | undefined;
    for (let i = 0; i < 8 && !pair; i++) {
      const first = await api(url, { headers: follower.headers });
      await first.text();
      const again = await api(url, { headers: follower.headers });
      await again.text();
      if (again.headers.get("X-Cache") === "HIT") pair = [first, again];
    }
    expect(pair, "the page never became a HIT").toBeDefined();
    const [first, again] = pair!;
    expect(again.headers.get("X-Next-Cursor")).toBeTruthy();
    expect(again.headers.get("X-Next-Cursor")).toBe(first.headers.get("X-Next-Cursor"));
    expect(again.headers.get("Link")).toBe(first.headers.get("Link"));
  });
});

describe("keyset pages: notifications", () => {
  it("my notifications walk to their end while new ones arrive", async () => {
    const [me, fan] = (await createUsers(2)) as [TestUser, TestUser];
    const mail = () =>
      api("/api/email/send", { method: "POST", headers: fan.headers, json: { to: me.email, subject: "n", body: "x" } });
    for (let i = 0; i < 5; i++) expect((await mail()).status).toBe(201);
    const before = await ok<{ id: number }[]>(await api("/api/notifications?limit=100", { headers: me.headers }));
    expect(before.length).toBeGreaterThanOrEqual(5);
    const arrived: number[] = [];
    const w = await walk("/api/notifications?limit=2", me.headers, async () => {
      expect((await mail()).status).toBe(201);
      arrived.push(
        (await ok<{ id: number }[]>(await api("/api/notifications?limit=1", { headers: me.headers })))[0]!.id,
      );
    });
    expectExact(
      w.ids,
      before.map((n) => n.id),
      arrived,
    );
  });
});

describe("keyset pages: Prism jobs", () => {
  it("the jobs list walks to its end while jobs are added", async () => {
    const db = testDb();
    const admin = await createUser();
    await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
    const owner = await createUser();
    const add = async () =>
      (
        await db
          .insert(jobs)
          .values({ userId: owner.id, type: "verify-chain", status: "cancelled" })
          .returning({ id: jobs.id })
      )[0]!.id;
    const seeded: number[] = [];
    for (let i = 0; i < 5; i++) seeded.push(await add());
    const added: number[] = [];
    // Other test files add jobs too: only ours are known, and they must all come, once each, in order.
    const w = await walk(
      `/api/prism/jobs?status=cancelled&limit=3&before=${seeded.at(-1)! + 1}`,
      admin.headers,
      async () => {
        added.push(await add());
      },
    );
    expect(w.ids).toEqual([...w.ids].sort((a, b) => b - a));
    expect(new Set(w.ids).size).toBe(w.ids.length);
    expect(w.ids.filter((id) => added.includes(id))).toEqual([]);
    expect(seeded.every((id) => w.ids.includes(id))).toBe(true);
  });
});

describe("keyset pages: capture", () => {
  it("my capture items walk to their end while new ones are captured; the total counts them all", async () => {
    const me = await createUser();
    const capture = () =>
      api("/api/capture/items", { method: "POST", headers: me.headers, json: { raw_content: "keyset" } }).then((r) =>
        ok<{ id: number }>(r, 201),
      );
    const seeded: number[] = [];
    for (let i = 0; i < 5; i++) seeded.push((await capture()).id);
    const captured: number[] = [];
    const w = await walk("/api/capture/items?limit=2", me.headers, async () => {
      captured.push((await capture()).id);
    });
    expect(w.pages).toBe(3);
    expectExact(w.ids, seeded, captured);
    const last = await ok<{ total: number }>(await api(w.links.at(-1)!, { headers: me.headers }));
    expect(last.total).toBe(5 + captured.length);
  });
});
