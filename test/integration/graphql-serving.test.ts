// How /api/graphql is served around the schema (docs/graphql.md): GraphiQL in development only,
// rate limits that count a request by its cost, the response cache for anonymous queries.
import { describe, expect, it } from "vitest";
import { COST_BUDGETS } from "../../src/middleware/rate-limit.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import { mineOk, testChain } from "../helpers/chain.ts";
import { type GraphQLResult, gql } from "../helpers/graphql.ts";
import { createUser } from "../helpers/users.ts";

describe("GraphiQL", () => {
  it("is off outside development: /api/graphiql is a 404 problem (ENVIRONMENT=test, and production)", async () => {
    await expectProblem(await api("/api/graphiql"), 404);
    await expectProblem(await fetchWith({ ENVIRONMENT: "production" }, "/api/graphiql"), 404);
    await expectProblem(
      await fetchWith({ ENVIRONMENT: "production", GRAPHIQL_ENABLED: "false" }, "/api/graphiql"),
      404,
    );
  });

  it("is served from our own assets in development, and elsewhere when GRAPHIQL_ENABLED is true", async () => {
    for (const vars of [{ ENVIRONMENT: "development" }, { ENVIRONMENT: "production", GRAPHIQL_ENABLED: "true" }]) {
      const res = await fetchWith(vars, "/api/graphiql");
      expect(res.status, JSON.stringify(vars)).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      const html = await res.text();
      for (const script of [
        "/vendor/graphiql/react.production.min.js",
        "/vendor/graphiql/react-dom.production.min.js",
        "/vendor/graphiql/graphiql.min.js",
        "/js/graphiql.js",
      ])
        expect(html).toContain(`<script src="${script}"></script>`);
      expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN
    }
  });
});

describe("cost-based rate limit", () => {
  const BUDGET = COST_BUDGETS.graphql.points;
  const BLOCK_FIELDS =
    "height hash previousHash merkleRoot timestamp nonce difficulty reward transactionCount minerAddress";
  // Nine aliased pages of 50 blocks: close to the per-request maximum (5,000), so a few exhaust the minute.
  const COSTLY = `{ ${Array.from({ length: 9 }, (_, i) => `p${i}: blocks(first: 50) { nodes { ${BLOCK_FIELDS} } }`).join(" ")} }`;
  const CHEAP = "{ blocks(first: 1) { nodes { height } } }";

  const ask = (query: string, ip: string) =>
    api("/api/graphql", {
      method: "POST",
      headers: { ...chain.headers, "CF-Connecting-IP": ip },
      json: { query },
    });
  const chain = testChain();

  it("charges each request its cost: the costly queries a minute's budget covers pass, the next is a 429, cheap ones still fit", async () => {
    // The budget is a fixed window of a minute: do not start in its last seconds.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 15_000) await new Promise((r) => setTimeout(r, left + 100));
    const ip = "198.51.100.201";
    const first = await ask(COSTLY, ip);
    expect(first.status).toBe(200);
    const cost = ((await first.json()) as GraphQLResult).extensions!.cost;
    expect(cost).toBeGreaterThan(4_000);
    const fits = Math.floor(BUDGET / cost);
    for (let i = 1; i < fits; i++) expect((await ask(COSTLY, ip)).status, `request ${i + 1}`).toBe(200);

    const refused = await ask(COSTLY, ip);
    const problem = await expectProblem(refused, 429);
    expect(problem.type).toContain("rate-limited");
    expect(problem.detail).toContain(`costs ${cost}`);
    expect(refused.headers.get("RateLimit-Limit")).toBe(String(BUDGET));
    expect(refused.headers.get("RateLimit-Remaining")).toBe(String(BUDGET - fits * cost));
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);

    // Counted in cost, not in requests: what is left still pays for a cheap query.
    const cheap = await ask(CHEAP, ip);
    expect(cheap.status).toBe(200);
    // Another address has its own budget.
    expect((await ask(COSTLY, "198.51.100.202")).status).toBe(200);
  });

  it("a query refused by the limits before running costs nothing", async () => {
    const ip = "198.51.100.203";
    const tooDeep =
      "{ user(id: 1) { posts { edges { node { comments { edges { node { author { username } } } } } } } } }";
    for (let i = 0; i < 10; i++) {
      const res = await ask(tooDeep, ip);
      expect(res.status).toBe(200);
      expect(((await res.json()) as GraphQLResult).errors?.[0]?.extensions.code).toBe("query-too-deep");
    }
    expect((await ask(COSTLY, ip)).status).toBe(200);
  });
});

describe("response cache for public queries", () => {
  const post = (query: string, headers: Record<string, string> = {}) =>
    api("/api/graphql", { method: "POST", headers, json: { query } });
  const read = async (res: Response) => ({
    cache: res.headers.get("X-Cache"),
    body: (await res.json()) as GraphQLResult,
  });

  it("an anonymous query is served from the cache until a block lands; a signed-in one never is", async () => {
    const chain = testChain();
    const miner = await createUser();
    const q = "{ blocks(first: 3) { nodes { height } } }";
    const first = await read(await post(q, chain.headers));
    expect(first.cache).toBe("MISS");
    const again = await read(await post(q, chain.headers));
    expect(again).toEqual({ cache: "HIT", body: first.body });
    // A client holding that answer revalidates for free: its ETag is a 304 (declared in the contract).
    const etag = (await post(q, chain.headers).then(async (r) => (await r.text(), r))).headers.get("ETag")!;
    expect(etag).toMatch(/^"/);
    const unchanged = await post(q, { ...chain.headers, "If-None-Match": etag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    // The printed document is the key: spacing and comments do not matter.
    expect((await read(await post(`# same\n{blocks(first:3){nodes{height}}}`, chain.headers))).cache).toBe("HIT");
    // Another chain is another entry.
    expect((await read(await post(q, testChain().headers))).cache).toBe("MISS");

    const block = await mineOk(chain, miner);
    const after = await read(await post(q, chain.headers));
    expect(after.cache).toBe("MISS");
    expect(after.body.data!.blocks.nodes[0].height).toBe(block.height);

    const signedIn = await post(q, { ...chain.headers, ...miner.headers });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get("X-Cache")).toBeNull();
    await signedIn.text();
  });

  it("errors are not cached, and a GraphQL write makes the cached public feed stale at once", async () => {
    const me = await read(await post("{ me { id } }"));
    expect(me.body.errors?.[0]?.extensions.code).toBe("unauthorized");
    expect((await read(await post("{ me { id } }"))).cache).toBe("MISS");

    const author = await createUser();
    const feed = "{ feed(scope: public, first: 10) { nodes { id } } }";
    await post(feed).then((r) => r.text());
    expect((await read(await post(feed))).cache).toBe("HIT");
    const created = await gql<{ createPost: { id: number } }>(
      `mutation { createPost(input: { content: "cache test", isPublic: true }) { id } }`,
      { headers: author.headers },
    );
    expect(created.errors).toBeUndefined();
    const fresh = await read(await post(feed));
    expect(fresh.cache).toBe("MISS");
    expect(fresh.body.data!.feed.nodes.map((n: { id: number }) => n.id)).toContain(created.data!.createPost.id);
  });
});
