// Keyset paging on the lists that paged by offset only: blocks and my mined blocks (cursor = height),
// Prism's audit log (cursor = id). Each walked to its end through the Link header while rows are
// added at the head between pages: every row that existed when the walk started comes exactly once,
// in order, none of the new ones; `offset` still pages as it did for old clients.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events, users } from "../../src/db/schema/index.ts";
import { decodeNameCursor } from "../../src/lib/name-cursor.ts";
import { api } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { mineOk, type TestChain, testChain } from "../helpers/chain.ts";
import { expectExact, ok, walk } from "../helpers/keyset-walk.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

describe("keyset pages: blocks (cursor = height)", () => {
  let chain: TestChain;
  let miner: TestUser;
  let headers: Record<string, string>;
  type Block = { id: number; height: number };
  // The cursor is a height; the walk's ids are the blocks' ids.
  const byHeight = { cursorOf: (b: Record<string, unknown>) => String(b.height) };
  const mineId = async () => (await mineOk(chain, miner)).id;

  beforeAll(async () => {
    chain = testChain();
    miner = await createUser();
    headers = { ...chain.headers, ...miner.headers };
    for (let i = 0; i < 6; i++) await mineOk(chain, miner);
  });

  it("the chain's blocks walk to the genesis block while blocks are mined between pages", async () => {
    const all = await ok<Block[]>(await api("/api/blockchain/blocks?limit=100", { headers }));
    expect(all.map((b) => b.height)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const mined: number[] = [];
    const w = await walk("/api/blockchain/blocks?limit=3", headers, async () => mined.push(await mineId()), byHeight);
    expect(w.pages).toBe(3); // 3 + 3 + 1
    expectExact(
      w.ids,
      all.map((b) => b.id),
      mined,
    );
    // Old clients: `offset` pages as before, counted from the (now taller) head.
    const byOffset = await ok<Block[]>(await api("/api/blockchain/blocks?limit=2&offset=1", { headers }));
    const head = 6 + mined.length;
    expect(byOffset.map((b) => b.height)).toEqual([head - 1, head - 2]);
  });

  it("my mined blocks walk to their end while I mine more; the total counts them all", async () => {
    type Mined = { height: number };
    const heights = (bs: Mined[]) => bs.map((b) => b.height);
    const all = await ok<Mined[]>(await api("/api/miner/blocks?limit=100", { headers }));
    expect(all.length).toBeGreaterThanOrEqual(6);
    const mined: number[] = [];
    const w = await walk(
      "/api/miner/blocks?limit=4",
      headers,
      async () => mined.push((await mineOk(chain, miner)).height),
      { ...byHeight, idOf: (b) => Number(b.height) },
    );
    expectExact(w.ids, heights(all), mined);
    const last = await api(w.links.at(-1)!, { headers });
    await last.text();
    expect(Number(last.headers.get("X-Total-Count"))).toBe(all.length + mined.length);
    const now = await ok<Mined[]>(await api("/api/miner/blocks?limit=100", { headers }));
    const byOffset = await ok<Mined[]>(await api("/api/miner/blocks?limit=2&offset=2", { headers }));
    expect(heights(byOffset)).toEqual(heights(now).slice(2, 4));
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

describe("keyset pages: a post's comments (oldest first, cursor = <thread>.<id>, sent as `after`)", () => {
  type Comment = { id: number; parent_id: number | null };
  const place = (c: Record<string, unknown>) => `${(c.parent_id as number | null) ?? (c.id as number)}.${c.id}`;
  const order = (c: Comment): [number, number] => [c.parent_id ?? c.id, c.id];

  it("walks every comment once, in thread order, while replies and comments are written between pages", async () => {
    const author = await createUser();
    const post = await ok<{ id: number }>(
      await api("/api/social/posts", { method: "POST", headers: author.headers, json: { content: "threads" } }),
      201,
    );
    const url = `/api/social/posts/${post.id}/comments`;
    const comment = async (parentId?: number) =>
      (
        await ok<Comment>(
          await api(url, { method: "POST", headers: author.headers, json: { content: "c", parent_id: parentId } }),
          201,
        )
      ).id;
    const a = await comment();
    const b = await comment();
    await comment(a);
    const c = await comment();
    await comment(b);
    await comment(a);
    await comment(c);
    const before = await ok<Comment[]>(await api(`${url}?limit=100`, { headers: author.headers }));
    expect(before).toHaveLength(7);
    const written: number[] = [];
    // Between pages: a reply to the first thread (behind the cursor from the second page on) and a
    // new top-level comment (at the end, where a reader of an oldest-first list should find it).
    const w = await walk(
      `${url}?limit=3`,
      author.headers,
      async () => {
        written.push(await comment(a), await comment());
      },
      { cursorOf: place, param: "after", items: (body) => body as Record<string, unknown>[] },
    );
    const after = await ok<Comment[]>(await api(`${url}?limit=100`, { headers: author.headers }));
    const byId = new Map(after.map((x) => [x.id, x]));
    // In thread order, each comment once; every comment that existed before the walk, in its order.
    const places = w.ids.map((id) => order(byId.get(id)!));
    const sorted = [...places].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(places).toEqual(sorted);
    expect(new Set(w.ids).size).toBe(w.ids.length);
    expect(w.ids.filter((id) => !written.includes(id))).toEqual(before.map((x) => x.id));
    // Old clients: `offset` still pages the same order.
    const byOffset = await ok<Comment[]>(await api(`${url}?limit=3&offset=3`, { headers: author.headers }));
    expect(byOffset.map((x) => x.id)).toEqual(after.slice(3, 6).map((x) => x.id));
  });

  it("a malformed cursor is a 422, not a 500", async () => {
    const me = await createUser();
    for (const bad of ["12", "0.5", "1.2.3", "x.y", "99999999999.1"]) {
      const res = await api(`/api/social/posts/1/comments?after=${bad}`, { headers: me.headers });
      expect(res.status, bad).toBe(422);
      await res.text();
    }
  });
});

describe("keyset pages: followers and following (cursor = follow_id)", () => {
  type Person = { id: number; follow_id: number };
  const byFollow = {
    cursorOf: (p: Record<string, unknown>) => String(p.follow_id),
    idOf: (p: Record<string, unknown>) => Number(p.follow_id),
  };

  it("a user's followers walk to their end while people follow between pages", async () => {
    const [star, ...fans] = await createUsers(6);
    const follow = async (fan: TestUser) => {
      const res = await api(`/api/social/users/${star!.id}/follow`, { method: "POST", headers: fan.headers });
      expect(res.status).toBe(200);
      await res.text();
    };
    for (const fan of fans) await follow(fan);
    const url = `/api/social/users/${star!.id}/followers`;
    const all = await ok<Person[]>(await api(`${url}?limit=100`, { headers: star!.headers }));
    expect(all.map((p) => p.id).sort()).toEqual(fans.map((f) => f.id).sort());
    const followed: number[] = [];
    const w = await walk(
      `${url}?limit=2`,
      star!.headers,
      async () => {
        await follow(await createUser());
        followed.push((await ok<Person[]>(await api(`${url}?limit=1`, { headers: star!.headers })))[0]!.follow_id);
      },
      byFollow,
    );
    expect(w.pages).toBe(3);
    expectExact(
      w.ids,
      all.map((p) => p.follow_id),
      followed,
    );
  });

  it("whom a user follows walks the same way; offset still works", async () => {
    const [me, ...them] = await createUsers(5);
    for (const u of them) {
      const res = await api(`/api/social/users/${u.id}/follow`, { method: "POST", headers: me!.headers });
      expect(res.status).toBe(200);
      await res.text();
    }
    const url = `/api/social/users/${me!.id}/following`;
    const all = await ok<Person[]>(await api(`${url}?limit=100`, { headers: me!.headers }));
    expect(all).toHaveLength(4);
    const w = await walk(`${url}?limit=3`, me!.headers, async () => {}, byFollow);
    expect(w.ids).toEqual(all.map((p) => p.follow_id));
    const byOffset = await ok<Person[]>(await api(`${url}?limit=2&offset=2`, { headers: me!.headers }));
    expect(byOffset.map((p) => p.id)).toEqual(all.slice(2, 4).map((p) => p.id));
  });
});

describe("keyset pages: a folder's files (by name, opaque cursor sent as `after`)", () => {
  type FileJson = { id: number; name: string };
  const upload = async (u: TestUser, name: string) => {
    const f = new FormData();
    f.append("file", new File(["x"], name, { type: "text/plain" }));
    return (await ok<FileJson>(await api("/api/files/upload", { method: "POST", headers: u.headers, body: f }), 201))
      .id;
  };

  it("walks every file once, in name order, while files are uploaded between pages; offset still works", async () => {
    const me = await createUser();
    for (const name of ["b.txt", "D.txt", "Émile.txt", "a.txt", "c.txt", "日記.txt", "e.txt"]) await upload(me, name);
    const before = await ok<FileJson[]>(await api("/api/files?limit=100", { headers: me.headers }));
    expect(before).toHaveLength(7);
    const behind: number[] = [];
    const ahead: number[] = [];
    const w = await walk(
      "/api/files?limit=2",
      me.headers,
      async () => {
        behind.push(await upload(me, `0-${behind.length}.txt`)); // sorts before every file walked
        ahead.push(await upload(me, `龥-${ahead.length}.txt`)); // sorts after every original file
      },
      {
        param: "after",
        cursorMatches: (cursor, last) => decodeNameCursor(cursor)?.id === last.id,
        items: (body) => body as Record<string, unknown>[],
      },
    );
    const after = await ok<FileJson[]>(await api("/api/files?limit=100", { headers: me.headers }));
    const position = new Map(after.map((f, i) => [f.id, i]));
    const walked = w.ids.map((id) => position.get(id)!);
    expect(walked).toEqual([...walked].sort((x, y) => x - y)); // in the list's order
    expect(new Set(w.ids).size).toBe(w.ids.length); // each once
    expect(w.ids.filter((id) => behind.includes(id))).toEqual([]); // none behind the cursor
    expect(w.ids.filter((id) => !ahead.includes(id))).toEqual(before.map((f) => f.id)); // every file, in order
    // A new file that sorts after the last original one was ahead of the cursor all along: it comes too
    // ("龥" sorts after "日記" and "Émile" bytewise and by glibc's or ICU's collation alike).
    const lastOriginal = Math.max(...before.map((f) => position.get(f.id)!));
    const alwaysAhead = after.slice(lastOriginal + 1).map((f) => f.id);
    expect(alwaysAhead.length).toBeGreaterThan(0);
    expect(alwaysAhead.filter((id) => !w.ids.includes(id))).toEqual([]);
    const byOffset = await ok<FileJson[]>(await api("/api/files?limit=3&offset=2", { headers: me.headers }));
    expect(byOffset.map((f) => f.id)).toEqual(after.slice(2, 5).map((f) => f.id));
  });

  it("a cursor this API did not hand out is a 422", async () => {
    const me = await createUser();
    for (const bad of ["%%%", "bm90IGpzb24", btoa('["a"]'), btoa('["a",0]'), btoa("[1,2]")]) {
      const res = await api(`/api/files?after=${encodeURIComponent(bad)}`, { headers: me.headers });
      expect(res.status, bad).toBe(422);
      await res.text();
    }
  });
});

describe("keyset pages: my devices (by device_id, sent as `after`)", () => {
  it("walks every device once, in device_id order, while devices are registered between pages; skip still works", async () => {
    const me = await createUser();
    const number = new Map<string, number>(); // the walk counts numbers: one per device_id
    const register = async (deviceId: string) => {
      number.set(deviceId, number.size + 1);
      await ok(
        await api("/api/devices", {
          method: "POST",
          headers: me.headers,
          json: { device_id: deviceId, name: deviceId, kind: "raspberry_pi" },
        }),
        201,
      );
      return number.get(deviceId)!;
    };
    for (const id of ["m-3", "m-1", "m-7", "m-2", "m-5", "m-4", "m-6"]) await register(id);
    type Device = { device_id: string };
    const before = await ok<Device[]>(await api("/api/devices?limit=100", { headers: me.headers }));
    expect(before.map((d) => d.device_id)).toEqual(["m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7"]);
    const behind: number[] = [];
    const ahead: number[] = [];
    const w = await walk(
      "/api/devices?limit=3",
      me.headers,
      async () => {
        behind.push(await register(`a-${behind.length}`)); // sorts before every device walked
        ahead.push(await register(`z-${ahead.length}`)); // sorts after every original device
      },
      {
        param: "after",
        cursorOf: (d) => String(d.device_id),
        idOf: (d) => number.get(String(d.device_id))!,
        items: (body) => body as Record<string, unknown>[],
      },
    );
    expect(new Set(w.ids).size).toBe(w.ids.length);
    expect(w.ids.filter((id) => behind.includes(id))).toEqual([]);
    expect(w.ids.filter((id) => !ahead.includes(id))).toEqual(before.map((d) => number.get(d.device_id)));
    expect(w.ids.filter((id) => ahead.includes(id))).toEqual(ahead);
    const all = await ok<Device[]>(await api("/api/devices?limit=100", { headers: me.headers }));
    const bySkip = await ok<Device[]>(await api("/api/devices?limit=2&skip=3", { headers: me.headers }));
    expect(bySkip.map((d) => d.device_id)).toEqual(all.slice(3, 5).map((d) => d.device_id));
  });
});
