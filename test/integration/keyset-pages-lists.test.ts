// Keyset paging on the last lists that paged by offset only: Cece's history and AI chat conversations
// (by time, opaque `before`), my dashboard activity and my videos (`before=<id>`), public videos
// (`<id>` newest, `<views_count>.<id>` most viewed), and, oldest first with `after=<id>`, a
// conversation's messages and a video's comments. Each is walked to its end through the Link header
// while rows are added between pages (ties on the sort key where it has them): each row once, in order.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations, events, messages, videos, workflows } from "../../src/db/schema/index.ts";
import { decodeNameCursor } from "../../src/lib/name-cursor.ts";
import { api } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { type Item, order, T1, tie, walkExactly } from "../helpers/keyset-time.ts";
import { expectExact, ok, walk } from "../helpers/keyset-walk.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const list = (b: unknown) => b as Item[];
const upload = async (u: TestUser, json: Record<string, unknown> = {}) =>
  (
    await ok<{ id: number }>(
      await api("/api/video", {
        method: "POST",
        headers: u.headers,
        json: { title: "Clip", video_url: "https://cdn.example.com/clip.mp4", ...json },
      }),
      201,
    )
  ).id;

describe("keyset pages: by time (Cece history, AI chat conversations)", () => {
  it("my Cece runs walk to their end, ties included, while runs start", async () => {
    const me = await createUser();
    const start = async (kind = "cece") =>
      (
        await testDb()
          .insert(workflows)
          .values({ id: randomUUID(), userId: me.id, kind, status: "complete", input: { goal: "x" } })
          .returning({ id: workflows.id })
      )[0]!.id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await start());
    await start("sequential"); // not Cece's: never in the history
    await tie(workflows, workflows.id, workflows.createdAt, ids);
    const expected = (await order(workflows, workflows.id, workflows.createdAt, workflows.userId, me.id)).filter((id) =>
      ids.includes(id),
    );
    await walkExactly("/api/cece/cognition/history?limit=2", me.headers, expected, start, "uuid");
  });

  it("my conversations walk to their end, ties included, while conversations are opened", async () => {
    const me = await createUser();
    const open = async () =>
      String(
        (
          await ok<{ id: number }>(
            await api("/api/ai_chat/conversations", { method: "POST", headers: me.headers, json: { title: "k" } }),
            201,
          )
        ).id,
      );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await open());
    await tie(conversations, conversations.id, conversations.updatedAt, ids);
    const expected = await order(conversations, conversations.id, conversations.updatedAt, conversations.userId, me.id);
    await walkExactly("/api/ai_chat/conversations?limit=2", me.headers, expected, open, "int");
  });
});

describe("keyset pages: by id, newest first (dashboard activity, my videos)", () => {
  it("my activity walks to its end while events are recorded", async () => {
    const me = await createUser();
    const record = async () =>
      (
        await testDb()
          .insert(events)
          .values({ userId: me.id, type: "keyset.walked", metadata: {} })
          .returning({ id: events.id })
      )[0]!.id;
    await testDb().delete(events).where(eq(events.userId, me.id)); // sign-up's own events
    for (let i = 0; i < 5; i++) await record();
    // Read back rather than counted: a sign-up event recorded after the response (waitUntil) can
    // land after the delete above, and is then one more row the walk must return.
    const seeded = (await testDb().select({ id: events.id }).from(events).where(eq(events.userId, me.id))).map(
      (r) => r.id,
    );
    expect(seeded.length).toBeGreaterThanOrEqual(5);
    const recorded: number[] = [];
    const w = await walk("/api/dashboard/activity?limit=2", me.headers, async () => recorded.push(await record()), {
      items: (b) => (b as { activities: Item[] }).activities,
    });
    expect(w.pages).toBe(Math.floor(seeded.length / 2) + 1); // a full last page is followed by an empty one
    expectExact(w.ids, seeded, recorded);
  });

  it("my videos walk to their end while I upload more", async () => {
    const me = await createUser();
    const seeded: number[] = [];
    for (let i = 0; i < 5; i++) seeded.push(await upload(me, { is_public: i % 2 === 0 }));
    const uploaded: number[] = [];
    const w = await walk("/api/video/mine?limit=2", me.headers, async () => uploaded.push(await upload(me)), {
      items: list,
    });
    expect(w.pages).toBe(3);
    expectExact(w.ids, seeded, uploaded);
  });
});

describe("keyset pages: public videos (cached; newest by id, most viewed by views then id)", () => {
  it("the newest walk to their end while videos are published; the cursor is the id", async () => {
    const me = await createUser();
    const category = `keyset-${randomUUID().slice(0, 8)}`;
    const seeded: number[] = [];
    for (let i = 0; i < 5; i++) seeded.push(await upload(me, { category }));
    const published: number[] = [];
    const w = await walk(
      `/api/video?category=${category}&limit=2`,
      me.headers,
      async () => published.push(await upload(me, { category })),
      { items: list },
    );
    expect(w.pages).toBe(3);
    expectExact(w.ids, seeded, published);
  });

  it("the most viewed walk to their end, ties on views included; the cursor is <views_count>.<id>", async () => {
    const me = await createUser();
    const category = `keyset-${randomUUID().slice(0, 8)}`;
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await upload(me, { category }));
    const views = [5, 5, 5, 3, 3, 1, 0];
    for (const [i, id] of ids.entries())
      await testDb().update(videos).set({ viewsCount: views[i]! }).where(eq(videos.id, id));
    const expected = [...ids.entries()].sort(([i, a], [j, b]) => views[j]! - views[i]! || b - a).map(([, id]) => id);
    const w = await walk(`/api/video?category=${category}&sort=most_viewed&limit=2`, me.headers, async () => {}, {
      items: list,
      cursorOf: (v) => `${v.views_count}.${v.id}`,
    });
    expect(w.pages).toBe(4);
    expect(w.ids).toEqual(expected);
  });
});

describe("keyset pages: oldest first with after=<id> (a conversation's messages, a video's comments)", () => {
  /** Each row once, ascending: those there before the walk and those added during it (at the end). */
  const expectForward = (walked: number[], before: number[], added: number[]) => {
    expect(walked).toEqual([...walked].sort((a, b) => a - b));
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked.filter((id) => !added.includes(id))).toEqual(before);
    expect(added.every((id) => walked.includes(id))).toBe(true);
  };

  it("a conversation's messages walk forward while messages are written", async () => {
    const me = await createUser();
    const conv = await ok<{ id: number }>(
      await api("/api/ai_chat/conversations", { method: "POST", headers: me.headers, json: {} }),
      201,
    );
    const write = async () =>
      (
        await testDb()
          .insert(messages)
          .values({ conversationId: conv.id, role: "user", content: "m" })
          .returning({ id: messages.id })
      )[0]!.id;
    const before: number[] = [];
    for (let i = 0; i < 5; i++) before.push(await write());
    const added: number[] = [];
    const w = await walk(
      `/api/ai_chat/conversations/${conv.id}/messages?limit=2`,
      me.headers,
      async () => added.push(await write()),
      { param: "after", items: list },
    );
    expectForward(w.ids, before, added);
  });

  it("a video's comments walk forward while comments are written", async () => {
    const me = await createUser();
    const video = await upload(me);
    const comment = async () =>
      (
        await ok<{ id: number }>(
          await api(`/api/video/${video}/comments`, { method: "POST", headers: me.headers, json: { content: "c" } }),
          201,
        )
      ).id;
    const before: number[] = [];
    for (let i = 0; i < 5; i++) before.push(await comment());
    const added: number[] = [];
    const w = await walk(`/api/video/${video}/comments?limit=2`, me.headers, async () => added.push(await comment()), {
      param: "after",
      items: list,
    });
    expectForward(w.ids, before, added);
  });
});

describe("keyset pages: agents (built-ins first, then mine, by name; opaque cursor sent as `after`)", () => {
  it("walks every agent once, in order, while agents are created before and after the cursor", async () => {
    const me = await createUser();
    const create = async (name: string) =>
      ok(
        await api("/api/agents", {
          method: "POST",
          headers: me.headers,
          json: { name, description: "d", instructions: "i", tools: [] },
        }),
        201,
      );
    for (const name of ["m-3", "m-1", "m-5", "m-2", "m-4"]) await create(name);
    type Agent = { name: string; author: string };
    const key = (a: Item) => `${a.author === "you" ? 1 : 0}:${a.name}`;
    const number = new Map<string, number>(); // the walk counts numbers: one per agent, in creation order
    const all = await ok<{ agents: Agent[] }>(await api("/api/agents?limit=100", { headers: me.headers }));
    for (const a of all.agents) number.set(key(a), number.size + 1);
    expect(all.agents.filter((a) => a.author === "you").map((a) => a.name)).toEqual([
      "m-1",
      "m-2",
      "m-3",
      "m-4",
      "m-5",
    ]);
    const behind: number[] = [];
    const ahead: number[] = [];
    let pages = 0;
    const add = async (name: string) => {
      await create(name);
      number.set(`1:${name}`, number.size + 1);
      return number.size;
    };
    const w = await walk(
      "/api/agents?limit=4",
      me.headers,
      async () => {
        // From the second page on the cursor is among my agents (seven built-ins come first): an
        // "a-" agent sorts behind it, a "z-" one after every agent of mine.
        if (pages++ > 0) behind.push(await add(`a-${behind.length}`));
        ahead.push(await add(`z-${ahead.length}`));
      },
      {
        param: "after",
        cursorMatches: (cursor, last) => decodeNameCursor(cursor)?.name === key(last),
        idOf: (a) => number.get(key(a))!,
        items: (b) => (b as { agents: Item[] }).agents,
      },
    );
    expect(new Set(w.ids).size).toBe(w.ids.length);
    expect(behind.length).toBeGreaterThan(0);
    expect(w.ids.filter((id) => behind.includes(id))).toEqual([]);
    expect(w.ids.filter((id) => !ahead.includes(id))).toEqual(all.agents.map((a) => number.get(key(a))));
    expect(w.ids.filter((id) => ahead.includes(id))).toEqual(ahead);
  });
});

describe("keyset pages: a cursor this API did not hand out is a 422", () => {
  const opaque = (v: unknown) => btoa(JSON.stringify(v)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  it.each([
    ["/api/cece/cognition/history?before=", ["%%%", opaque([T1, "12"]), opaque([T1])]],
    [
      "/api/ai_chat/conversations?before=",
      ["%%%", opaque([T1, randomUUID()]), opaque(["2026-02-30T00:00:00.000000Z", "1"])],
    ],
    ["/api/ai_chat/conversations/1/messages?after=", ["0", "x", "1.5", "99999999999"]],
    ["/api/dashboard/activity?before=", ["0", "x", "99999999999"]],
    ["/api/video/mine?before=", ["0", "x"]],
    ["/api/video?before=", ["0", "x", "5.12", "1.", ".1"]],
    ["/api/video?sort=most_viewed&before=", ["12", "5.0", "x.1", "99999999999.1"]],
    ["/api/video/1/comments?after=", ["0", "x"]],
    ["/api/agents?after=", ["%%%", opaque(["x", 1]), opaque(["2:m-1", 1]), opaque(["1:m-1", 0])]],
  ])("%s", async (prefix, bad) => {
    const me = await createUser();
    for (const cursor of bad) {
      const res = await api(`${prefix}${encodeURIComponent(cursor)}`, { headers: me.headers });
      const text = await res.text();
      expect(res.status, `${cursor}: ${text}`).toBe(422);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    }
  });
});
