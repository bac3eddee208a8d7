import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

type Video = {
  id: number;
  user_id: number;
  title: string;
  description: string | null;
  video_url: string;
  thumbnail_url: string | null;
  category: string | null;
  tags: string[];
  duration: number | null;
  views_count: number;
  likes_count: number;
  dislikes_count: number;
  comments_count: number;
  is_public: boolean;
  is_liked: boolean;
  is_disliked: boolean;
};
type Reaction = { liked: boolean | null; likes_count: number; dislikes_count: number };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const upload = async (u: TestUser, json: Record<string, unknown> = {}) =>
  ok<Video>(
    await api("/api/video", {
      method: "POST",
      headers: u.headers,
      json: { title: "Clip", video_url: "https://cdn.example.com/clip.mp4", ...json },
    }),
    201,
  );
const react = async (u: TestUser, id: number, isLike: boolean) =>
  ok<Reaction>(await api(`/api/video/${id}/like?is_like=${isLike}`, { method: "POST", headers: u.headers }));

describe("BlackStream videos", () => {
  it("publishes, lists by category/tag, edits and deletes my video", async () => {
    const a = await createUser();
    const category = `cat-${crypto.randomUUID().slice(0, 8)}`;
    const v = await upload(a, {
      title: "  Sunrise ",
      description: "Over the bay",
      thumbnail_url: "https://cdn.example.com/t.jpg",
      category,
      tags: " Travel, bay ,travel,, ",
      duration: 93,
    });
    expect(v).toMatchObject({
      user_id: a.id,
      title: "Sunrise",
      category,
      tags: ["travel", "bay"],
      duration: 93,
      views_count: 0,
      is_public: true,
    });

    const byCategory = await ok<Video[]>(
      await api(`/api/video?category=${category.toUpperCase()}`, { headers: a.headers }),
    );
    expect(byCategory.map((x) => x.id)).toEqual([v.id]);
    const byTag = await ok<Video[]>(await api(`/api/video?category=${category}&tag=BAY`, { headers: a.headers }));
    expect(byTag.map((x) => x.id)).toEqual([v.id]);
    expect(await ok<Video[]>(await api(`/api/video?category=${category}&tag=nope`, { headers: a.headers }))).toEqual(
      [],
    );

    const edited = await ok<Video>(
      await api(`/api/video/${v.id}`, {
        method: "PATCH",
        headers: a.headers,
        json: { title: "Dawn", tags: ["x"], is_public: false },
      }),
    );
    expect(edited).toMatchObject({ title: "Dawn", tags: ["x"], is_public: false, description: "Over the bay" });
    expect(await ok<Video[]>(await api(`/api/video?category=${category}`, { headers: a.headers }))).toEqual([]); // private now
    expect((await ok<Video[]>(await api("/api/video/mine", { headers: a.headers }))).map((x) => x.id)).toEqual([v.id]);

    expect((await api(`/api/video/${v.id}`, { method: "DELETE", headers: a.headers })).status).toBe(204);
    await expectProblem(await api(`/api/video/${v.id}`, { headers: a.headers }), 404);
    expect(await ok<Video[]>(await api("/api/video/mine", { headers: a.headers }))).toEqual([]);
  });

  it("sorts by most viewed", async () => {
    const [a, b, c] = await createUsers(3);
    const category = `sort-${crypto.randomUUID().slice(0, 8)}`;
    const quiet = await upload(a!, { category });
    const loud = await upload(a!, { category });
    for (const u of [b!, c!]) await ok(await api(`/api/video/${quiet.id}`, { headers: u.headers }));
    await ok(await api(`/api/video/${loud.id}`, { headers: b!.headers }));
    const newest = await ok<Video[]>(await api(`/api/video?category=${category}`, { headers: a!.headers }));
    expect(newest.map((x) => x.id)).toEqual([loud.id, quiet.id]);
    const viewed = await ok<Video[]>(
      await api(`/api/video?category=${category}&sort=most_viewed`, { headers: a!.headers }),
    );
    expect(viewed.map((x) => [x.id, x.views_count])).toEqual([
      [quiet.id, 2],
      [loud.id, 1],
    ]);
  });

  it("counts one view per viewer per hour, also under parallel requests", async () => {
    const [a, b] = await createUsers(2);
    const v = await upload(a!);
    const views = await Promise.all(
      Array.from({ length: 10 }, () => api(`/api/video/${v.id}`, { headers: b!.headers }).then((r) => ok<Video>(r))),
    );
    expect(views.every((x) => x.views_count === 1 || x.views_count === 0)).toBe(true);
    expect((await ok<Video>(await api(`/api/video/${v.id}`, { headers: a!.headers }))).views_count).toBe(2); // the owner's own view
    expect((await ok<Video>(await api(`/api/video/${v.id}`, { headers: b!.headers }))).views_count).toBe(2);
  });

  it("ownership: user B cannot see A's private video, nor edit or delete A's videos (404)", async () => {
    const [a, b] = await createUsers(2);
    const pub = await upload(a!);
    const priv = await upload(a!, { is_public: false });
    await expectProblem(await api(`/api/video/${priv.id}`, { headers: b!.headers }), 404);
    await expectProblem(await api(`/api/video/${priv.id}/like`, { method: "POST", headers: b!.headers }), 404);
    await expectProblem(await api(`/api/video/${priv.id}/comments`, { headers: b!.headers }), 404);
    await expectProblem(
      await api(`/api/video/${pub.id}`, { method: "PATCH", headers: b!.headers, json: { title: "mine now" } }),
      404,
    );
    await expectProblem(await api(`/api/video/${pub.id}`, { method: "DELETE", headers: b!.headers }), 404);
    expect((await ok<Video>(await api(`/api/video/${pub.id}`, { headers: a!.headers }))).title).toBe("Clip");
    expect(await ok<Video[]>(await api("/api/video/mine", { headers: b!.headers }))).toEqual([]);
  });

  it("rejects bad videos with 4xx problems", async () => {
    const a = await createUser();
    const base = { title: "t", video_url: "https://cdn.example.com/v.mp4" };
    const bad = [
      {},
      { title: "t" },
      { video_url: base.video_url },
      { ...base, title: "" },
      { ...base, title: 5 },
      { ...base, video_url: "javascript:alert(1)" },
      { ...base, video_url: "file:///etc/passwd" },
      { ...base, video_url: "https://" },
      { ...base, thumbnail_url: "ftp://x.example.com/t.jpg" },
      { ...base, duration: -1 },
      { ...base, duration: 1.5 },
      { ...base, duration: "10" },
      { ...base, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { ...base, tags: [1, 2] },
    ];
    for (const json of bad)
      await expectProblem(await api("/api/video", { method: "POST", headers: a.headers, json }), 422);
    await expectProblem(
      await api("/api/video", {
        method: "POST",
        headers: a.headers,
        json: { ...base, description: "x".repeat(1024 * 1024) },
      }),
      413,
    );
    for (const q of [
      "sort=views;drop table videos",
      "sort=password_hash",
      "limit=0",
      "limit=1000",
      "offset=-1",
      "limit=1e9",
    ]) {
      await expectProblem(await api(`/api/video?${q}`, { headers: a.headers }), 422);
    }
    await expectProblem(await api("/api/video/1/like?is_like=maybe", { method: "POST", headers: a.headers }), 422);
    await expectProblem(await api("/api/video"), 401);
  });
});

describe("BlackStream reactions", () => {
  it("keeps the original's toggle: same again removes, the other switches", async () => {
    const [a, b] = await createUsers(2);
    const v = await upload(a!);
    expect(await react(b!, v.id, true)).toEqual({ liked: true, likes_count: 1, dislikes_count: 0 });
    expect(await react(b!, v.id, false)).toEqual({ liked: false, likes_count: 0, dislikes_count: 1 });
    expect((await ok<Video>(await api(`/api/video/${v.id}`, { headers: b!.headers }))).is_disliked).toBe(true);
    expect(await react(b!, v.id, false)).toEqual({ liked: null, likes_count: 0, dislikes_count: 0 });
    expect(await ok<Reaction>(await api(`/api/video/${v.id}/like`, { method: "POST", headers: b!.headers }))).toEqual({
      liked: true,
      likes_count: 1,
      dislikes_count: 0,
    });
    expect(await react(b!, v.id, true)).toEqual({ liked: null, likes_count: 0, dislikes_count: 0 });
  });

  it("20 users liking in parallel give exactly 20; one user's parallel toggles never corrupt the counts", async () => {
    const owner = await createUser();
    const v = await upload(owner);
    const fans = await createUsers(20);
    await Promise.all(fans.map((u) => react(u, v.id, true)));
    let state = await ok<Video>(await api(`/api/video/${v.id}`, { headers: owner.headers }));
    expect([state.likes_count, state.dislikes_count]).toEqual([20, 0]);

    // One user toggles 9 times at once: serialised, so it ends liked (odd count) and counts stay exact.
    const results = await Promise.all(Array.from({ length: 9 }, () => react(fans[0]!, v.id, true)));
    expect(results.filter((r) => r.liked === null)).toHaveLength(5); // 20 → 19 → 20 → … → 19: five removals, four likes
    state = await ok<Video>(await api(`/api/video/${v.id}`, { headers: owner.headers }));
    expect([state.likes_count, state.dislikes_count]).toEqual([19, 0]);
  });
});

describe("BlackStream comments", () => {
  it("adds, lists and deletes comments with exact counts", async () => {
    const [a, b] = await createUsers(2);
    const v = await upload(a!);
    const url = `/api/video/${v.id}/comments`;
    const c1 = await ok<{ id: number; content: string }>(
      await api(url, { method: "POST", headers: b!.headers, json: { content: "nice" } }),
      201,
    );
    await ok(await api(url, { method: "POST", headers: a!.headers, json: { content: "thanks" } }), 201);
    expect(
      (await ok<Array<{ content: string }>>(await api(url, { headers: b!.headers }))).map((c) => c.content),
    ).toEqual(["nice", "thanks"]);
    expect((await ok<Video>(await api(`/api/video/${v.id}`, { headers: b!.headers }))).comments_count).toBe(2);
    await expectProblem(await api(url, { method: "POST", headers: b!.headers, json: { content: " " } }), 422);
    expect((await api(`${url}/${c1.id}`, { method: "DELETE", headers: a!.headers })).status).toBe(204); // owner moderates
    expect((await ok<Video>(await api(`/api/video/${v.id}`, { headers: b!.headers }))).comments_count).toBe(1);
  });
});

describe("BlackStream alias /api/videos", () => {
  it("serves the same handlers and appears once in the docs", async () => {
    const a = await createUser();
    const v = await ok<Video>(
      await api("/api/videos/", {
        method: "POST",
        headers: a.headers,
        json: { title: "alias", video_url: "http://cdn.example.com/a.mp4" },
      }),
      201,
    );
    expect((await ok<Video>(await api(`/api/videos/${v.id}`, { headers: a.headers }))).title).toBe("alias");
    expect((await ok<Video[]>(await api("/api/videos/mine", { headers: a.headers }))).map((x) => x.id)).toEqual([v.id]);
    expect(await react(a, v.id, true)).toMatchObject({ liked: true });

    // Deprecated (RFC 9745 / RFC 8594), naming its successor, on success and on errors alike; never on the canonical path.
    for (const res of [
      await api(`/api/videos/${v.id}`, { headers: a.headers }),
      await api("/api/videos/abc", { headers: a.headers }),
    ]) {
      expect(res.headers.get("Deprecation")).toMatch(/^@\d+$/);
      expect(new Date(res.headers.get("Sunset")!).getTime()).toBeGreaterThan(Date.now());
      expect(res.headers.get("Link")).toMatch(/^<\/api\/video\/(\d+|abc)>; rel="successor-version"$/);
    }
    expect((await api(`/api/video/${v.id}`, { headers: a.headers })).headers.get("Deprecation")).toBeNull();

    const doc = await ok<{ paths: Record<string, unknown> }>(await api("/api/openapi.json"));
    expect(doc.paths).toHaveProperty(["/api/video"]);
    expect(doc.paths).toHaveProperty(["/api/video/{id}/like"]);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/api/videos"))).toEqual([]);
  });
});
