import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events } from "../../src/db/schema/index.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { eventually, testDb } from "../helpers/auth.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

type Post = {
  id: number;
  user_id: number;
  username: string;
  content: string;
  image_url: string | null;
  video_url: string | null;
  is_public: boolean;
  likes_count: number;
  comments_count: number;
  is_liked: boolean;
  feed_reason?: "own" | "following" | "public";
};
type Comment = { id: number; post_id: number; user_id: number; parent_id: number | null; content: string };
type Profile = {
  id: number;
  posts_count: number;
  followers_count: number;
  following_count: number;
  is_following: boolean;
  follows_you: boolean;
};

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const post = async (u: TestUser, json: Record<string, unknown>) =>
  ok<Post>(await api("/api/social/posts", { method: "POST", headers: u.headers, json }), 201);
const feed = async (u: TestUser, query = "") =>
  ok<Post[]>(await api(`/api/social/feed${query}`, { headers: u.headers }));

describe("Social posts", () => {
  it("creates, reads, edits and deletes my post", async () => {
    const a = await createUser();
    const p = await post(a, { content: "  hello  ", image_url: "https://example.com/a.png", video_url: "" });
    expect(p).toMatchObject({
      user_id: a.id,
      username: a.username,
      content: "hello",
      image_url: "https://example.com/a.png",
      video_url: null,
      likes_count: 0,
      comments_count: 0,
      is_liked: false,
      is_public: true,
    });

    const edited = await ok<Post>(
      await api(`/api/social/posts/${p.id}`, {
        method: "PATCH",
        headers: a.headers,
        json: { content: "edited", image_url: null },
      }),
    );
    expect(edited).toMatchObject({ content: "edited", image_url: null });
    expect(await ok<Post>(await api(`/api/social/posts/${p.id}`, { headers: a.headers }))).toMatchObject({
      content: "edited",
    });

    expect((await api(`/api/social/posts/${p.id}`, { method: "DELETE", headers: a.headers })).status).toBe(204);
    await expectProblem(await api(`/api/social/posts/${p.id}`, { headers: a.headers }), 404);

    // Both land in the audit log (the dashboard's activity feed), with ids only.
    const types = await eventually(async () => {
      const rows = await testDb()
        .select({ type: events.type, metadata: events.metadata })
        .from(events)
        .where(and(eq(events.userId, a.id)));
      const mine = rows.filter((r) => r.type.startsWith("social."));
      expect(mine).toHaveLength(2);
      return mine;
    });
    expect(types.map((t) => t.type).sort()).toEqual(["social.post_created", "social.post_deleted"]);
    expect(types[0]!.metadata).toEqual({ post_id: p.id });
  });

  it("someone else's post cannot be edited or deleted (404), and their private post does not exist for me", async () => {
    const [a, b] = await createUsers(2);
    const pub = await post(a!, { content: "public" });
    const priv = await post(a!, { content: "private", is_public: false });
    await expectProblem(
      await api(`/api/social/posts/${pub.id}`, { method: "PATCH", headers: b!.headers, json: { content: "x" } }),
      404,
    );
    await expectProblem(await api(`/api/social/posts/${pub.id}`, { method: "DELETE", headers: b!.headers }), 404);
    await expectProblem(await api(`/api/social/posts/${priv.id}`, { headers: b!.headers }), 404);
    await expectProblem(await api(`/api/social/posts/${priv.id}/like`, { method: "POST", headers: b!.headers }), 404);
    await expectProblem(
      await api(`/api/social/posts/${priv.id}/comments`, {
        method: "POST",
        headers: b!.headers,
        json: { content: "hi" },
      }),
      404,
    );
    expect(await ok<Post>(await api(`/api/social/posts/${pub.id}`, { headers: a!.headers }))).toMatchObject({
      content: "public",
    });
    expect(await ok<Post>(await api(`/api/social/posts/${priv.id}`, { headers: a!.headers }))).toMatchObject({
      is_public: false,
    });
  });

  it("rejects bad posts with 4xx problems", async () => {
    const a = await createUser();
    const bad = [
      {},
      { content: "" },
      { content: "   " },
      { content: 42 },
      { content: "x".repeat(5001) },
      { content: "ok", image_url: "javascript:alert(1)" },
      { content: "ok", image_url: "ftp://example.com/a.png" },
      { content: "ok", video_url: "not a url" },
      { content: "ok", video_url: "data:text/html,<b>x</b>" },
      { content: "ok", is_public: "yes" },
    ];
    for (const json of bad)
      await expectProblem(await api("/api/social/posts", { method: "POST", headers: a.headers, json }), 422);
    await expectProblem(
      await api("/api/social/posts", {
        method: "POST",
        headers: { ...a.headers, "Content-Type": "application/json" },
        body: "{",
      }),
      400,
    );
    await expectProblem(
      await api("/api/social/posts", {
        method: "POST",
        headers: { ...a.headers, "Content-Type": "text/plain" },
        body: "hi",
      }),
      415,
    );
    await expectProblem(
      await api("/api/social/posts", {
        method: "POST",
        headers: a.headers,
        json: { content: "x".repeat(1024 * 1024) },
      }),
      413,
    );
    await expectProblem(await api("/api/social/posts", { method: "POST", json: { content: "anon" } }), 401);
  });
});

describe("Social likes", () => {
  it("like and unlike are idempotent", async () => {
    const [a, b] = await createUsers(2);
    const p = await post(a!, { content: "like me" });
    const like = () => api(`/api/social/posts/${p.id}/like`, { method: "POST", headers: b!.headers });
    const unlike = () => api(`/api/social/posts/${p.id}/like`, { method: "DELETE", headers: b!.headers });
    expect(await ok(await like())).toEqual({ liked: true, likes_count: 1 });
    expect(await ok(await like())).toEqual({ liked: true, likes_count: 1 });
    expect(await ok<Post>(await api(`/api/social/posts/${p.id}`, { headers: b!.headers }))).toMatchObject({
      is_liked: true,
      likes_count: 1,
    });
    expect(await ok(await unlike())).toEqual({ liked: false, likes_count: 0 });
    expect(await ok(await unlike())).toEqual({ liked: false, likes_count: 0 });
    await expectProblem(await api(`/api/social/posts/2147483647/like`, { method: "POST", headers: b!.headers }), 404);
  });

  it("20 parallel likes (and duplicate likes) give exactly 20, and parallel unlikes exactly 0", async () => {
    const owner = await createUser();
    const p = await post(owner, { content: "popular" });
    const fans = await createUsers(20);
    const likes = await Promise.all(
      [...fans, ...fans.slice(0, 5)].map((u) =>
        api(`/api/social/posts/${p.id}/like`, { method: "POST", headers: u.headers }),
      ),
    );
    for (const r of likes) expect(r.status).toBe(200);
    expect((await ok<Post>(await api(`/api/social/posts/${p.id}`, { headers: owner.headers }))).likes_count).toBe(20);
    await Promise.all(fans.map((u) => api(`/api/social/posts/${p.id}/like`, { method: "DELETE", headers: u.headers })));
    expect((await ok<Post>(await api(`/api/social/posts/${p.id}`, { headers: owner.headers }))).likes_count).toBe(0);
  });
});

describe("Social comments", () => {
  it("comments with one level of replies, counted", async () => {
    const [a, b] = await createUsers(2);
    const p = await post(a!, { content: "discuss" });
    const url = `/api/social/posts/${p.id}/comments`;
    const c1 = await ok<Comment>(
      await api(url, { method: "POST", headers: b!.headers, json: { content: "first" } }),
      201,
    );
    const c2 = await ok<Comment>(
      await api(url, { method: "POST", headers: a!.headers, json: { content: "second" } }),
      201,
    );
    const r1 = await ok<Comment>(
      await api(url, { method: "POST", headers: a!.headers, json: { content: "reply", parent_id: c1.id } }),
      201,
    );
    const r2 = await ok<Comment>(
      await api(url, { method: "POST", headers: b!.headers, json: { content: "nested", parent_id: r1.id } }),
      201,
    );
    expect(r1.parent_id).toBe(c1.id);
    expect(r2.parent_id).toBe(c1.id); // flattened to one level
    const list = await ok<Comment[]>(await api(url, { headers: b!.headers }));
    expect(list.map((c) => c.id)).toEqual([c1.id, r1.id, r2.id, c2.id]);
    expect((await ok<Post>(await api(`/api/social/posts/${p.id}`, { headers: a!.headers }))).comments_count).toBe(4);

    await expectProblem(
      await api(url, { method: "POST", headers: b!.headers, json: { content: "x", parent_id: 2147483647 } }),
      404,
    );
    await expectProblem(await api(`${url}/${c2.id}`, { method: "DELETE", headers: b!.headers }), 404); // not mine, not my post
    expect((await api(`${url}/${c1.id}`, { method: "DELETE", headers: a!.headers })).status).toBe(204); // my post: moderation
    expect((await ok<Comment[]>(await api(url, { headers: b!.headers }))).map((c) => c.id)).toEqual([c2.id]);
    expect((await ok<Post>(await api(`/api/social/posts/${p.id}`, { headers: a!.headers }))).comments_count).toBe(1);
  });

  it("paginates comments within bounds", async () => {
    const a = await createUser();
    const p = await post(a, { content: "many" });
    for (let i = 0; i < 3; i++)
      await api(`/api/social/posts/${p.id}/comments`, {
        method: "POST",
        headers: a.headers,
        json: { content: `c${i}` },
      });
    const page = await ok<Comment[]>(
      await api(`/api/social/posts/${p.id}/comments?limit=2&offset=1`, { headers: a.headers }),
    );
    expect(page.map((c) => c.content)).toEqual(["c1", "c2"]);
    for (const q of ["limit=0", "limit=101", "limit=-1", "limit=abc", "offset=-5", "limit=1&limit=1000"]) {
      await expectProblem(await api(`/api/social/posts/${p.id}/comments?${q}`, { headers: a.headers }), 422);
    }
  });
});

describe("Social follows and feed", () => {
  it("follow/unfollow is idempotent, not myself, and drives the following feed", async () => {
    const [a, b, c] = await createUsers(3);
    const fromB = await post(b!, { content: "from b" });
    const fromC = await post(c!, { content: "from c" });
    const privB = await post(b!, { content: "b private", is_public: false });
    const mine = await post(a!, { content: "from a" });

    // Following nobody: my posts and everyone's public ones, each labelled (no empty first feed).
    const reasons = async () => new Map((await feed(a!, "?limit=100")).map((p) => [p.id, p.feed_reason]));
    let seen = await reasons();
    expect([seen.get(mine.id), seen.get(fromB.id), seen.get(fromC.id), seen.has(privB.id)]).toEqual([
      "own",
      "public",
      "public",
      false,
    ]);
    const follow = () => api(`/api/social/users/${b!.id}/follow`, { method: "POST", headers: a!.headers });
    expect(await ok(await follow())).toEqual({ following: true, followers_count: 1 });
    expect(await ok(await follow())).toEqual({ following: true, followers_count: 1 });
    expect((await feed(a!)).map((p) => [p.id, p.feed_reason])).toEqual([
      [mine.id, "own"],
      [fromB.id, "following"],
    ]);
    const pub = (await feed(a!, "?scope=public&limit=100")).map((p) => p.id);
    expect(pub).toEqual(expect.arrayContaining([mine.id, fromB.id, fromC.id]));
    expect(pub).not.toContain(privB.id);

    const profile = await ok<Profile>(await api(`/api/social/users/${b!.id}`, { headers: a!.headers }));
    expect(profile).toMatchObject({
      id: b!.id,
      posts_count: 1,
      followers_count: 1,
      following_count: 0,
      is_following: true,
      follows_you: false,
    });
    const followers = await ok<Array<{ id: number }>>(
      await api(`/api/social/users/${b!.id}/followers`, { headers: c!.headers }),
    );
    expect(followers.map((f) => f.id)).toEqual([a!.id]);
    const followingList = await ok<Array<{ id: number }>>(
      await api(`/api/social/users/${a!.id}/following`, { headers: c!.headers }),
    );
    expect(followingList.map((f) => f.id)).toEqual([b!.id]);

    const unfollow = () => api(`/api/social/users/${b!.id}/follow`, { method: "DELETE", headers: a!.headers });
    expect(await ok(await unfollow())).toEqual({ following: false, followers_count: 0 });
    expect(await ok(await unfollow())).toEqual({ following: false, followers_count: 0 });
    seen = await reasons();
    expect([seen.get(mine.id), seen.get(fromB.id), seen.get(fromC.id)]).toEqual(["own", "public", "public"]);

    const self = await expectProblem(
      await api(`/api/social/users/${a!.id}/follow`, { method: "POST", headers: a!.headers }),
      400,
    );
    expect(self.detail).toMatch(/yourself/);
    await expectProblem(await api(`/api/social/users/2147483647/follow`, { method: "POST", headers: a!.headers }), 404);
    await expectProblem(await api(`/api/social/users/2147483647`, { headers: a!.headers }), 404);
    for (const id of ["0", "-1", "1.5", "1e3", "abc", "9999999999999"]) {
      await expectProblem(await api(`/api/social/users/${id}`, { headers: a!.headers }), 422);
    }
  });

  it("20 parallel follows give exactly 20 followers", async () => {
    const star = await createUser();
    const fans = await createUsers(20);
    const results = await Promise.all(
      [...fans, ...fans.slice(0, 5)].map((u) =>
        api(`/api/social/users/${star.id}/follow`, { method: "POST", headers: u.headers }),
      ),
    );
    for (const r of results) expect(r.status).toBe(200);
    const profile = await ok<Profile>(await api(`/api/social/users/${star.id}`, { headers: star.headers }));
    expect(profile.followers_count).toBe(20);
  });

  it("the following feed needs a token; the public one does not", async () => {
    await expectProblem(await api("/api/social/feed"), 401);
    const res = await api("/api/social/feed?scope=public&limit=5");
    const posts = await ok<Post[]>(res);
    expect(posts.length).toBeLessThanOrEqual(5);
    expect(posts.every((p) => p.is_public && !p.is_liked)).toBe(true);
    await expectProblem(await api("/api/social/feed?scope=everyone"), 422);
  });
});

describe("Social docs", () => {
  it("documents the social routes", async () => {
    const doc = await ok<{ paths: Record<string, unknown> }>(await api("/api/openapi.json"));
    for (const p of ["/api/social/feed", "/api/social/posts/{id}/like", "/api/social/users/{id}/follow"])
      expect(doc.paths).toHaveProperty([p]);
  });
});
