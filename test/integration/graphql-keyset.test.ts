// GraphQL connections over the lists that now page by keyset (conversations, messages, videos, video
// comments): each walked through `pageInfo.endCursor` while rows are added between pages, exactly
// as the REST walks (keyset-pages-lists.test.ts), and a cursor of another connection or a forged one
// is a validation error.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations, videos } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { codes, gql } from "../helpers/graphql.ts";
import { order, tie } from "../helpers/keyset-time.ts";
import { ok } from "../helpers/keyset-walk.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Conn = { nodes: { id: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/** Follows endCursor from the first page to the last, running `between` after each page. */
async function walkConnection(
  query: string,
  pick: (data: any) => Conn,
  u: TestUser,
  variables: Record<string, unknown>,
  between: () => Promise<unknown>,
): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    expect(pages, "the walk never ends").toBeLessThan(50);
    const r = await gql(query, { headers: u.headers, variables: { ...variables, first: 2, after } });
    expect(r.errors).toBeUndefined();
    const page = pick(r.data);
    ids.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
    await between();
  }
}

const upload = async (u: TestUser, json: Record<string, unknown> = {}) =>
  (
    await ok<{ id: number }>(
      await api("/api/video", {
        method: "POST",
        headers: u.headers,
        json: { title: "g", video_url: "https://cdn.example.com/g.mp4", ...json },
      }),
      201,
    )
  ).id;

describe("GraphQL keyset connections", () => {
  it("my conversations walk to their end, ties on updated_at included, while conversations are opened", async () => {
    const me = await createUser();
    const open = async () =>
      (
        await ok<{ id: number }>(
          await api("/api/ai_chat/conversations", { method: "POST", headers: me.headers, json: {} }),
          201,
        )
      ).id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(String(await open()));
    await tie(conversations, conversations.id, conversations.updatedAt, ids);
    const expected = await order(conversations, conversations.id, conversations.updatedAt, conversations.userId, me.id);
    const opened: number[] = [];
    const walked = await walkConnection(
      "query($first: Int, $after: String) { me { conversations(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }",
      (d) => d.me.conversations,
      me,
      {},
      async () => opened.push(await open()),
    );
    expect(walked).toEqual(expected.map(Number));
  });

  it("the most viewed videos walk by views then id; a video's comments walk forward while comments arrive", async () => {
    const me = await createUser();
    const category = `gk-${crypto.randomUUID().slice(0, 8)}`;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await upload(me, { category }));
    const views = [4, 4, 4, 2, 2];
    for (const [i, id] of ids.entries())
      await testDb().update(videos).set({ viewsCount: views[i]! }).where(eq(videos.id, id));
    const walked = await walkConnection(
      "query($first: Int, $after: String, $c: String) { videos(first: $first, after: $after, category: $c, sort: most_viewed) { nodes { id } pageInfo { hasNextPage endCursor } } }",
      (d) => d.videos,
      me,
      { c: category },
      async () => {},
    );
    expect(walked).toEqual([ids[2], ids[1], ids[0], ids[4], ids[3]]);

    const comment = async () =>
      (
        await ok<{ id: number }>(
          await api(`/api/video/${ids[0]}/comments`, { method: "POST", headers: me.headers, json: { content: "c" } }),
          201,
        )
      ).id;
    const before: number[] = [];
    for (let i = 0; i < 3; i++) before.push(await comment());
    const added: number[] = [];
    const comments = await walkConnection(
      "query($first: Int, $after: String, $id: Int!) { video(id: $id) { comments(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }",
      (d) => d.video.comments,
      me,
      { id: ids[0] },
      async () => {
        if (added.length < 2) added.push(await comment());
      },
    );
    expect(comments).toEqual([...before, ...added]);
  });

  it("a forged cursor, or one of another order, is a validation error", async () => {
    const me = await createUser();
    await upload(me);
    const newest = await gql("{ videos(first: 1) { pageInfo { endCursor } } }", { headers: me.headers });
    const cursor = newest.data.videos.pageInfo.endCursor as string;
    const q = (after: string) =>
      gql("query($a: String) { videos(first: 1, sort: most_viewed, after: $a) { nodes { id } } }", {
        headers: me.headers,
        variables: { a: after },
      });
    expect(codes(await q(cursor))).toEqual(["validation-error"]); // `<id>` is not a most-viewed place
    for (const forged of ["bm9wZQ", btoa("c:1.x"), btoa("k:5"), btoa("c:99999999999.1")])
      expect(codes(await q(forged)), forged).toEqual(["validation-error"]);
    const convs = await gql("query($a: String) { me { conversations(after: $a) { nodes { id } } } }", {
      headers: me.headers,
      variables: { a: btoa("c:12") },
    });
    expect(codes(convs)).toEqual(["validation-error"]);
  });
});
