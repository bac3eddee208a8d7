import { describe, expect, it } from "vitest";
import { MAX_COST, MAX_DEPTH } from "../../src/routes/graphql/schema/limits.ts";
import { api } from "../helpers/api.ts";
import { testChain, walletOf } from "../helpers/chain.ts";
import { codes, countStatements, gql } from "../helpers/graphql.ts";
import { createUser, createUsers } from "../helpers/users.ts";

const chain = testChain();
const TRANSFER = `mutation Send($input: TransferInput!) { transfer(input: $input) { hash amount fromAddress toAddress } }`;

describe("GraphQL mutations: the REST rules hold", () => {
  it("transfer moves coins once per idempotency key and never overdraws", async () => {
    const [a, b] = await createUsers(2);
    const to = (await walletOf(b!)).address;
    const headers = { ...a!.headers, ...chain.headers };
    const key = crypto.randomUUID();
    const first = await gql(TRANSFER, {
      headers,
      variables: { input: { toAddress: to, amount: "30", idempotencyKey: key } },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data.transfer).toMatchObject({ amount: "30.00000000", toAddress: to });
    const replay = await gql(TRANSFER, {
      headers,
      variables: { input: { toAddress: to, amount: "30", idempotencyKey: key } },
    });
    expect(replay.data.transfer.hash).toBe(first.data.transfer.hash);
    expect((await walletOf(a!)).balance).toBe("70.00000000");

    const over = await gql(TRANSFER, { headers, variables: { input: { toAddress: to, amount: "70.00000001" } } });
    expect(over.data).toBeNull();
    expect(over.errors![0]!.extensions).toMatchObject({ code: "insufficient-balance", status: 400 });
    expect((await walletOf(a!)).balance).toBe("70.00000000");

    const bad = await gql(TRANSFER, { headers, variables: { input: { toAddress: "nowhere", amount: "-1" } } });
    expect(codes(bad)).toEqual(["validation-error"]);
    expect(bad.errors![0]!.extensions.errors!.map((e) => e.path).sort()).toEqual(["input.amount", "input.to_address"]);
    expect(codes(await gql(TRANSFER, { variables: { input: { toAddress: to, amount: "1" } } }))).toEqual([
      "unauthorized",
    ]);
  });

  it("posts, comments, likes and follows are the social service's, with its 404s", async () => {
    const [a, b] = await createUsers(2);
    const created = await gql(
      `mutation { createPost(input: { content: "  via graphql  ", isPublic: false }) { id content isPublic author { id } } }`,
      { headers: a!.headers },
    );
    const p = created.data.createPost;
    expect(p).toMatchObject({ content: "via graphql", isPublic: false, author: { id: a!.id } });
    // b cannot see a's private post: every write on it is a 404, as over REST.
    expect(codes(await gql(`mutation { likePost(postId: ${p.id}) { likeCount } }`, { headers: b!.headers }))).toEqual([
      "not-found",
    ]);
    expect(
      codes(await gql(`mutation { addComment(postId: ${p.id}, content: "hi") { id } }`, { headers: b!.headers })),
    ).toEqual(["not-found"]);
    expect(
      (await gql(`mutation { likePost(postId: ${p.id}) { liked likeCount } }`, { headers: a!.headers })).data.likePost,
    ).toEqual({ liked: true, likeCount: 1 });
    expect(
      (await gql(`mutation { unlikePost(postId: ${p.id}) { liked likeCount } }`, { headers: a!.headers })).data
        .unlikePost,
    ).toEqual({ liked: false, likeCount: 0 });
    const c = await gql(`mutation { addComment(postId: ${p.id}, content: "") { id } }`, { headers: a!.headers });
    expect(codes(c)).toEqual(["validation-error"]);
    expect(
      (await gql(`mutation { follow(userId: ${a!.id}) { following followerCount } }`, { headers: b!.headers })).data
        .follow,
    ).toEqual({ following: true, followerCount: 1 });
    expect(codes(await gql(`mutation { follow(userId: ${b!.id}) { following } }`, { headers: b!.headers }))).toEqual([
      "cannot-follow-self",
    ]);
    expect(
      (await gql(`mutation { unfollow(userId: ${a!.id}) { followerCount } }`, { headers: b!.headers })).data.unfollow,
    ).toEqual({ followerCount: 0 });
  });

  it("sendMail delivers through RoadMail", async () => {
    const [a, b] = await createUsers(2);
    const sent = await gql(
      `mutation($to: [String!]!) { sendMail(input: { to: $to, subject: "Hi", body: "From GraphQL" }) { id subject to } }`,
      {
        headers: a!.headers,
        variables: { to: [b!.email] },
      },
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMail).toMatchObject({ subject: "Hi", to: [b!.email] });
    const inbox = await gql(`{ me { mailbox(folder: inbox) { nodes { subject senderEmail } } } }`, {
      headers: b!.headers,
    });
    expect(inbox.data.me.mailbox.nodes).toEqual([{ subject: "Hi", senderEmail: a!.email }]);
  });
});

describe("GraphQL limits: refused before any I/O", () => {
  const refusedWithoutSql = async (query: string, code: string, variables?: Record<string, unknown>) => {
    const u = await createUser();
    const { result, statements } = await countStatements(() =>
      gql(query, { headers: u.headers, ...(variables ? { variables } : {}) }),
    );
    expect(result.data).toBeUndefined();
    expect(codes(result)).toEqual([code]);
    expect(statements).toBe(0);
    return result.errors![0]!;
  };

  it("depth", async () => {
    // A feed item's comment author's name through edges is depth 8 (allowed); a profile's is 9.
    const u = await createUser();
    const allowed = await gql(
      `{ feed(scope: public, first: 1) { edges { node { comments(first: 1) { edges { node { author { username } } } } } } } }`,
      { headers: u.headers },
    );
    expect(allowed.errors).toBeUndefined();
    expect(allowed.extensions!.depth).toBe(MAX_DEPTH);
    await refusedWithoutSql(
      `{ user(id: 1) { posts { edges { node { comments { edges { node { author { username } } } } } } } } }`,
      "query-too-deep",
    );
  });

  it("page size, literal or variable", async () => {
    await refusedWithoutSql(`{ feed(first: 51) { nodes { id } } }`, "page-too-large");
    await refusedWithoutSql(`query($n: Int) { feed(first: $n) { nodes { id } } }`, "page-too-large", { n: 1000 });
  });

  it("cost: nesting multiplies and aliases add up", async () => {
    const e = await refusedWithoutSql(
      `{ feed(first: 50) { nodes { comments(first: 50) { nodes { id content author { id username } } } } } }`,
      "query-too-costly",
    );
    expect(e.message).toContain(String(MAX_COST));
    const one = `feed(first: 50) { nodes { id content likeCount author { id username fullName } } }`;
    const u = await createUser();
    expect((await gql(`{ ${one} }`, { headers: u.headers })).errors).toBeUndefined();
    const aliased = Array.from({ length: 20 }, (_, i) => `a${i}: ${one}`).join("\n");
    await refusedWithoutSql(`{ ${aliased} }`, "query-too-costly");
  });

  it("fragment bombs and cycles, syntax errors and unknown fields: clear errors, never a 5xx", async () => {
    const bomb = [
      "query { me { ...F0 } }",
      ...Array.from({ length: 30 }, (_, i) => `fragment F${i} on Me { id ...F${i + 1} ...F${i + 1} }`),
      "fragment F30 on Me { id }",
    ].join("\n");
    await refusedWithoutSql(bomb, "query-too-costly");
    await refusedWithoutSql(
      `query { me { ...A } } fragment A on Me { ...B } fragment B on Me { ...A }`,
      "graphql-validation-failed",
    );
    await refusedWithoutSql(`{ me { id `, "graphql-parse-failed");
    await refusedWithoutSql(`{ me { password } }`, "graphql-validation-failed");
    await refusedWithoutSql(`{ ${"a: me { id } ".repeat(1200)} }`, "graphql-parse-failed"); // over the token limit
    const huge = await api("/api/graphql", { method: "POST", json: { query: `{ me { id } }${" ".repeat(20_001)}` } });
    expect(huge.status).toBe(422);
  });

  it("introspection is allowed", async () => {
    const r = await gql(
      `{ __schema { queryType { name } types { name fields { name type { name kind ofType { name kind } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.__schema.queryType.name).toBe("Query");
  });
});

describe("GraphQL mutation mine", () => {
  const MINE = `mutation Mine($key: String, $max: Int) { mine(idempotencyKey: $key, maxTransactions: $max) { height hash minerAddress } }`;

  it("mines as POST /api/blockchain/blocks does: signed-in only, validated, once per key, and cached reads see it", async () => {
    const own = testChain();
    const miner = await createUser();
    expect(codes(await gql(MINE, { headers: own.headers }))).toEqual(["unauthorized"]);
    const invalid = await gql(MINE, { headers: { ...own.headers, ...miner.headers }, variables: { max: -1 } });
    expect(codes(invalid)).toEqual(["validation-error"]);

    const blocksQuery = "{ blocks(first: 1) { nodes { height } } }";
    const before = await api("/api/graphql", { method: "POST", headers: own.headers, json: { query: blocksQuery } });
    await before.text(); // the anonymous answer is now cached

    const key = crypto.randomUUID();
    const headers = { ...own.headers, ...miner.headers };
    const mined = await gql(MINE, { headers, variables: { key } });
    expect(mined.errors).toBeUndefined();
    expect(mined.data.mine.minerAddress).toBe((await walletOf(miner)).address);
    const replay = await gql(MINE, { headers, variables: { key } });
    expect(replay.data.mine).toEqual(mined.data.mine);

    const rest = await api(`/api/blockchain/blocks?limit=5`, { headers: own.headers });
    const heights = ((await rest.json()) as Array<{ height: number }>).map((b) => b.height);
    expect(heights.filter((h) => h === mined.data.mine.height)).toHaveLength(1);
    // The chain data set was bumped: the cached anonymous query is a miss and shows the new block.
    const after = await api("/api/graphql", { method: "POST", headers: own.headers, json: { query: blocksQuery } });
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(
      ((await after.json()) as { data: { blocks: { nodes: Array<{ height: number }> } } }).data.blocks.nodes[0]!.height,
    ).toBe(mined.data.mine.height);
  });
});
