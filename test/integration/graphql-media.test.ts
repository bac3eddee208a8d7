/**
 * BlackStream videos and AI chat conversations over GraphQL: the same services and rules as their
 * REST routes (signed-in only, someone else's private video or conversation is not found), authors
 * batched, and the answers equal to REST's.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { api, BASE } from "../helpers/api.ts";
import { completion, FAKE_OPENAI_BASE_URL, FAKE_OPENAI_KEY, installFakeProvider } from "../helpers/fake-openai.ts";
import { codes, countStatements, gql } from "../helpers/graphql.ts";
import { createAdmin } from "../helpers/integrations.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

const video = async (u: TestUser, title: string, extra: Record<string, unknown> = {}) => {
  const res = await api("/api/video", {
    method: "POST",
    headers: u.headers,
    json: { title, video_url: `https://cdn.example.test/${encodeURIComponent(title)}.mp4`, ...extra },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: number };
};

const VIDEOS = `query Videos($first: Int, $after: String, $category: String) {
  videos(first: $first, after: $after, category: $category) {
    pageInfo { hasNextPage endCursor }
    nodes { id title category tags isPublic viewCount likeCount commentCount myReaction author { id username } }
  }
}`;

describe("GraphQL: videos", () => {
  it("lists what GET /api/video lists, authors in one batched statement, filters validated as REST's", async () => {
    const [alice, bob, viewer] = await createUsers(3);
    const category = `cat-${crypto.randomUUID().slice(0, 8)}`;
    const ids: number[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await video(i % 2 ? alice! : bob!, `clip ${i}`, { category, tags: "bay" })).id);
    await video(alice!, "hidden", { category, is_public: false });
    const liked = ids[4]!;
    expect(
      (await api(`/api/video/${liked}/like?is_like=false`, { method: "POST", headers: viewer!.headers })).status,
    ).toBe(200);

    const rest = (await (
      await api(`/api/video?category=${category}&limit=50`, { headers: viewer!.headers })
    ).json()) as {
      id: number;
    }[];
    const r = await countStatements(() =>
      gql(VIDEOS, { headers: viewer!.headers, variables: { first: 50, category } }),
    );
    expect(r.result.errors, JSON.stringify(r.result.errors)).toBeUndefined();
    const nodes = r.result.data.videos.nodes as any[];
    expect(nodes.map((v) => v.id)).toEqual(rest.map((v) => v.id));
    expect(nodes.map((v) => v.id)).toEqual([...ids].reverse()); // newest first; the private one is not listed
    expect(new Set(nodes.map((v) => v.author.username))).toEqual(new Set([alice!.username, bob!.username]));
    expect(nodes.find((v) => v.id === liked)).toMatchObject({ myReaction: "dislike", tags: ["bay"] });
    // The videos (1) + every author at once (1).
    expect(r.statements).toBe(2);

    // Cursors follow REST's pages.
    const first = await gql(VIDEOS, { headers: viewer!.headers, variables: { first: 4, category } });
    expect(first.errors).toBeUndefined();
    const page1 = first.data.videos;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (
      await gql(VIDEOS, {
        headers: viewer!.headers,
        variables: { first: 4, category, after: page1.pageInfo.endCursor },
      })
    ).data.videos;
    expect([...page1.nodes, ...page2.nodes].map((v: any) => v.id)).toEqual([...ids].reverse());
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const bad = await gql(`{ videos(category: "") { nodes { id } } }`, { headers: viewer!.headers });
    expect(codes(bad)).toEqual(["validation-error"]);
    expect(bad.errors![0]!.extensions.errors![0]!.path).toBe("category");
  });

  it("a private video is its owner's: others, administrators and anonymous callers do not get it", async () => {
    const [owner, other] = await createUsers(2);
    const hidden = await video(owner!, "private clip", { is_public: false });
    const q = `query One($id: Int!) { video(id: $id) { id title isPublic comments { nodes { content } } } }`;

    const mine = await gql(q, { headers: owner!.headers, variables: { id: hidden.id } });
    expect(mine.errors).toBeUndefined();
    expect(mine.data.video).toMatchObject({ id: hidden.id, isPublic: false, comments: { nodes: [] } });
    expect(codes(await gql(q, { headers: other!.headers, variables: { id: hidden.id } }))).toEqual(["not-found"]);
    // An administrator is no exception, over GraphQL as over REST: the video is the owner's.
    const admin = await createAdmin();
    expect(codes(await gql(q, { headers: admin.headers, variables: { id: hidden.id } }))).toEqual(["not-found"]);
    expect((await api(`/api/video/${hidden.id}`, { headers: admin.headers })).status).toBe(404);
    expect(codes(await gql(q, { variables: { id: hidden.id } }))).toEqual(["unauthorized"]);
    expect(codes(await gql(`{ videos { nodes { id } } }`))).toEqual(["unauthorized"]);
  });

  it("a video's comments come as REST lists them", async () => {
    const [owner, fan] = await createUsers(2);
    const v = await video(owner!, "commented clip");
    for (const content of ["first!", "second"]) {
      const res = await api(`/api/video/${v.id}/comments`, {
        method: "POST",
        headers: fan!.headers,
        json: { content },
      });
      expect(res.status).toBe(201);
    }
    const r = await gql(
      `query C($id: Int!) { video(id: $id) { commentCount comments(first: 5) { nodes { content author { username } } } } }`,
      {
        headers: owner!.headers,
        variables: { id: v.id },
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.video.commentCount).toBe(2);
    expect(r.data.video.comments.nodes).toEqual([
      { content: "first!", author: { username: fan!.username } },
      { content: "second", author: { username: fan!.username } },
    ]);
  });
});

// ---- conversations: messages are written through the REST route with a faked provider ----

const CONFIGURED = {
  OPENAI_API_KEY: FAKE_OPENAI_KEY,
  OPENAI_BASE_URL: FAKE_OPENAI_BASE_URL,
  OPENAI_MODEL: "fake-model-1",
};

/** One REST request through the Worker with AI chat configured (altered bindings). */
async function chat(user: TestUser, path: string, json?: unknown) {
  const headers = new Headers(user.headers);
  if (json !== undefined) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/api/ai_chat/conversations${path}`, {
      method: json === undefined ? "GET" : "POST",
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
    }),
    { ...env, ...CONFIGURED } as Env,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  expect(res.status, text).toBeLessThan(300);
  return JSON.parse(text);
}

describe("GraphQL: AI chat conversations", () => {
  // Installed here, not for the file: countStatements (above) spies on the same global fetch.
  let provider: ReturnType<typeof installFakeProvider>;
  beforeAll(() => {
    provider = installFakeProvider();
  });
  afterAll(() => provider.uninstall());

  it("me.conversations and conversation(id) are mine only, with their messages oldest first", async () => {
    const owner = await createUser();
    const other = await createUser();
    provider.respond(() => completion("Hello from the fake model."));
    const older = await chat(owner, "", { title: "Older" });
    const talk = await chat(owner, "", { title: "Trip planning" });
    await chat(owner, `/${talk.id}/messages`, { content: "Where should I go?" });

    const r = await gql(
      `{ me { conversations(first: 10) { nodes { id title messageCount
           messages { nodes { role content model } } } } } }`,
      { headers: owner.headers },
    );
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const nodes = r.data.me.conversations.nodes as any[];
    expect(nodes.map((n) => n.id)).toEqual([talk.id, older.id]); // most recently active first
    expect(nodes[0]).toMatchObject({ title: "Trip planning", messageCount: 2 });
    expect(nodes[0].messages.nodes).toEqual([
      { role: "user", content: "Where should I go?", model: null },
      { role: "assistant", content: "Hello from the fake model.", model: "fake-model-1" },
    ]);
    expect(nodes[1].messages.nodes).toEqual([]);

    const q = `query One($id: Int!) { conversation(id: $id) { id title } }`;
    expect((await gql(q, { headers: owner.headers, variables: { id: talk.id } })).data.conversation.title).toBe(
      "Trip planning",
    );
    expect(codes(await gql(q, { headers: other.headers, variables: { id: talk.id } }))).toEqual(["not-found"]);
    const admin = await createAdmin();
    expect(codes(await gql(q, { headers: admin.headers, variables: { id: talk.id } }))).toEqual(["not-found"]);
    expect(codes(await gql(q, { variables: { id: talk.id } }))).toEqual(["unauthorized"]);
    const theirs = await gql(`{ me { conversations { nodes { id } } } }`, { headers: other.headers });
    expect(theirs.data.me.conversations.nodes).toEqual([]);
  });
});
