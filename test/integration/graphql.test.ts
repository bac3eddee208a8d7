import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { mineOk, testChain } from "../helpers/chain.ts";
import { codes, countStatements, gql } from "../helpers/graphql.ts";
import { FEED_QUERY as FEED } from "../helpers/graphql-queries.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

const post = async (u: TestUser, content: string, isPublic = true) => {
  const res = await api("/api/social/posts", {
    method: "POST",
    headers: u.headers,
    json: { content, is_public: isPublic },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number };
};
const comment = async (u: TestUser, postId: number, content: string) => {
  const res = await api(`/api/social/posts/${postId}/comments`, {
    method: "POST",
    headers: u.headers,
    json: { content },
  });
  expect(res.status).toBe(201);
};
const follow = async (u: TestUser, id: number) =>
  expect((await api(`/api/social/users/${id}/follow`, { method: "POST", headers: u.headers })).status).toBe(200);

describe("GraphQL: schema and authentication", () => {
  it("publishes its SDL", async () => {
    const res = await api("/api/graphql/schema.graphql");
    expect(res.status).toBe(200);
    const sdl = await res.text();
    for (const type of ["type Query", "type Me", "type Post", "type PostConnection", "type PageInfo", "type Block"])
      expect(sdl).toContain(type);
  });

  it("anonymous callers get the public feed, `me` answers unauthorized; a bad token is REST's 401", async () => {
    const anon = await gql("{ me { id } }");
    expect(anon.data).toBeNull();
    expect(codes(anon)).toEqual(["unauthorized"]);
    expect(anon.errors![0]!.extensions.status).toBe(401);
    const feed = await gql("{ feed(scope: public, first: 1) { nodes { id isLiked } } }");
    expect(feed.errors).toBeUndefined();
    expect(codes(await gql("{ feed { nodes { id } } }"))).toEqual(["unauthorized"]);
    await expectProblem(
      await api("/api/graphql", {
        method: "POST",
        headers: { Authorization: "Bearer nope" },
        json: { query: "{ me { id } }" },
      }),
      401,
    );
  });
});

describe("GraphQL: queries over the REST services", () => {
  it("me, wallet and transactions are the same as REST's", async () => {
    const u = await createUser({ full_name: "Graph Q" });
    const r = await gql(
      `{ me { id username email fullName wallet { address balance } transactions(first: 5) { nodes { hash } pageInfo { hasNextPage } }
      mailFolders { name folderType unreadCount } unreadNotificationCount files { nodes { id } } } }`,
      { headers: u.headers },
    );
    expect(r.errors).toBeUndefined();
    const wallet = (await (await api("/api/blockchain/wallet", { headers: u.headers })).json()) as {
      address: string;
      balance: string;
    };
    expect(r.data.me).toMatchObject({
      id: u.id,
      username: u.username,
      email: u.email,
      fullName: "Graph Q",
      wallet: { address: wallet.address, balance: wallet.balance },
    });
    expect(r.data.me.transactions).toEqual({ nodes: [], pageInfo: { hasNextPage: false } });
    expect(r.data.me.mailFolders.map((f: { folderType: string }) => f.folderType)).toContain("inbox");
  });

  it("pages with cursors: each page follows the last, even with posts written between pages; a forged cursor is a validation error", async () => {
    const [a, b] = await createUsers(2);
    await follow(b!, a!.id);
    for (let i = 0; i < 5; i++) await post(a!, `page post ${i}`);
    const first = await gql(FEED, { headers: b!.headers, variables: { first: 3 } });
    expect(first.errors).toBeUndefined();
    expect(first.data.feed.edges.map((e: any) => e.node.content)).toEqual([
      "page post 4",
      "page post 3",
      "page post 2",
    ]);
    expect(first.data.feed.pageInfo.hasNextPage).toBe(true);
    // Posts written between pages neither repeat an item nor hide one (keyset cursors, not offsets).
    await post(a!, "written while paging");
    const next = await gql(
      `query($after: String) { feed(first: 3, after: $after) { nodes { content } pageInfo { hasNextPage } } }`,
      {
        headers: b!.headers,
        variables: { after: first.data.feed.pageInfo.endCursor },
      },
    );
    expect(next.data.feed).toEqual({
      nodes: [{ content: "page post 1" }, { content: "page post 0" }],
      pageInfo: { hasNextPage: false },
    });
    const forged = await gql(`{ feed(after: "bm9wZQ") { nodes { id } } }`, { headers: b!.headers });
    expect(codes(forged)).toEqual(["validation-error"]);
  });

  it("another user's private post and unknown users are not found; someone else's mail folder too", async () => {
    const [a, b] = await createUsers(2);
    const secret = await post(a!, "private", false);
    expect(codes(await gql(`{ post(id: ${secret.id}) { id } }`, { headers: b!.headers }))).toEqual(["not-found"]);
    expect((await gql(`{ post(id: ${secret.id}) { content } }`, { headers: a!.headers })).data).toEqual({
      post: { content: "private" },
    });
    expect(codes(await gql(`{ user(id: 2147483647) { id } }`, { headers: b!.headers }))).toEqual(["not-found"]);
    expect(codes(await gql(`{ user(id: 0) { id } }`, { headers: b!.headers }))).toEqual(["validation-error"]);
    const folders = await gql(`{ me { mailFolders { id } } }`, { headers: a!.headers });
    const aFolder = folders.data.me.mailFolders[0].id;
    expect(
      codes(await gql(`{ me { mailbox(folderId: ${aFolder}) { nodes { id } } } }`, { headers: b!.headers })),
    ).toEqual(["not-found"]);
    const profile = await gql(`{ user(id: ${a!.id}) { username postCount posts(first: 5) { nodes { content } } } }`, {
      headers: b!.headers,
    });
    expect(profile.data.user).toEqual({ username: a!.username, postCount: 0, posts: { nodes: [] } });
  });

  it("a feed of 20 posts with authors, like counts and first comments is 3 SQL statements, as is a feed of 5", async () => {
    const [viewer, ...authors] = await createUsers(5);
    for (const author of authors) await follow(viewer!, author.id);
    const ids: number[] = [];
    for (let i = 0; i < 24; i++) ids.push((await post(authors[i % authors.length]!, `feed post ${i}`)).id);
    for (const [i, id] of ids.slice(-20).entries())
      if (i % 2 === 0) await comment(authors[(i + 1) % authors.length]!, id, `comment on ${id}`);

    const big = await countStatements(() => gql(FEED, { headers: viewer!.headers, variables: { first: 20 } }));
    expect(big.result.errors, JSON.stringify(big.result.errors)).toBeUndefined();
    const edges = big.result.data.feed.edges as any[];
    expect(edges).toHaveLength(20);
    expect(new Set(edges.map((e) => e.node.author.username)).size).toBe(4);
    expect(edges.filter((e) => e.node.comments.nodes.length === 1)).toHaveLength(10);
    // The feed (1) + every author at once (1) + every post's first comments at once (1).
    expect(big.statements).toBe(3);

    const small = await countStatements(() => gql(FEED, { headers: viewer!.headers, variables: { first: 5 } }));
    expect(small.result.data.feed.edges).toHaveLength(5);
    expect(small.statements).toBe(3);
  });

  it("blocks come with their transactions in one statement per page", async () => {
    const r = await countStatements(() =>
      gql(`{ blocks(first: 5) { nodes { height hash transactionCount transactions { hash amount } } } }`),
    );
    expect(r.result.errors).toBeUndefined();
    for (const b of r.result.data.blocks.nodes) expect(b.transactions).toHaveLength(b.transactionCount);
    expect(r.statements).toBeLessThanOrEqual(2); // the page, then (if it has blocks) their transactions
  });

  it("pages blocks by height: a block mined between two pages neither repeats one nor hides one", async () => {
    const chain = testChain();
    const miner = await createUser();
    for (let i = 0; i < 4; i++) await mineOk(chain, miner);
    const q = `query($after: String) { blocks(first: 2, after: $after) { nodes { height } pageInfo { hasNextPage endCursor } } }`;
    const page = async (after?: string) => {
      const r = await gql(q, { headers: chain.headers, variables: after ? { after } : {} });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return r.data.blocks as { nodes: { height: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    };
    const first = await page();
    const top = first.nodes[0]!.height;
    expect(first.nodes.map((b) => b.height)).toEqual([top, top - 1]);
    await mineOk(chain, miner);
    const second = await page(first.pageInfo.endCursor);
    expect(second.nodes.map((b) => b.height)).toEqual([top - 2, top - 3]);
  });
});

describe("GraphQL: automatic persisted queries", () => {
  const sha256 = async (text: string) =>
    [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
  const send = async (body: Record<string, unknown>) => {
    const res = await api("/api/graphql", { method: "POST", json: body });
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  it("an unknown hash asks for the query; the query with its hash is stored; a wrong hash is refused", async () => {
    const query = `{ blocks(first: 1) { nodes { height } } } # ${crypto.randomUUID()}`;
    const hash = await sha256(query);
    const ext = { persistedQuery: { version: 1, sha256Hash: hash } };
    const miss = await send({ extensions: ext });
    expect(miss.errors).toEqual([
      expect.objectContaining({
        message: "PersistedQueryNotFound",
        extensions: expect.objectContaining({ code: "persisted-query-not-found" }),
      }),
    ]);
    const registered = await send({ query, extensions: ext });
    expect(registered.errors).toBeUndefined();
    const hit = await send({ extensions: ext });
    expect(hit.errors).toBeUndefined();
    expect(hit.data).toEqual(registered.data);

    const other = `{ blocks(first: 2) { nodes { hash } } }`;
    const forged = await send({ query: other, extensions: ext });
    expect(forged.errors[0].extensions.code).toBe("persisted-query-hash-mismatch");
    expect((await send({ extensions: ext })).errors).toBeUndefined(); // still the original query
    await expectProblem(await api("/api/graphql", { method: "POST", json: { variables: {} } }), 422);
  });
});
