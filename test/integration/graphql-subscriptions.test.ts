// GraphQL subscriptions over server-sent events (docs/graphql.md): new blocks and my notifications,
// fed by the same Durable Objects as GET /api/blockchain/ws and GET /api/notifications/ws.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { blockFeedStub, feedShardOf } from "../../src/durable-objects/block-feed.contract.ts";
import { notificationsObjectName } from "../../src/durable-objects/notifications.contract.ts";
import { api } from "../helpers/api.ts";
import { eventually } from "../helpers/auth.ts";
import { mineOk, testChain } from "../helpers/chain.ts";
import { codes, gql, gqlStream } from "../helpers/graphql.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

const CAP = Number(env.BLOCKCHAIN_WS_MAX_CONNECTIONS_PER_ADDRESS);
const SHARDS = Number(env.BLOCKCHAIN_WS_SHARDS);
const NEW_BLOCK =
  "subscription { newBlock { height hash minerAddress transactionCount transactions { hash amount } } }";
const MY_NOTIFICATIONS = "subscription { myNotifications { kind unread notification { type actorId title } } }";

let miner: TestUser;
beforeAll(async () => {
  miner = await createUser();
});

// An IPv4 client's address identity is the address itself (lib/client-info.ts).
const feedConnections = (chain: string, ip: string) =>
  blockFeedStub(env.BLOCK_FEED, chain, feedShardOf(ip, SHARDS)).connections();

describe("subscription newBlock", () => {
  it("streams each committed block to an anonymous subscriber; leaving closes the feed's socket", async () => {
    const chain = testChain();
    const ip = "192.0.2.71";
    const sub = await gqlStream(NEW_BLOCK, { ...chain.headers, "CF-Connecting-IP": ip });
    await eventually(async () => expect(await feedConnections(chain.id, ip)).toBe(1), 5000);

    const first = await mineOk(chain, miner);
    const second = await mineOk(chain, miner);
    const events = await sub.waitFor((e) => e.filter((x) => x.event === "next").length >= 2);
    const blocks = events.map((e) => e.data?.data?.newBlock);
    expect(blocks.map((b) => b.height)).toEqual([first.height, second.height]);
    expect(blocks[0]).toMatchObject({ hash: first.hash, transactionCount: first.transactions.length });
    expect(blocks[0].transactions.map((t: { hash: string }) => t.hash)).toEqual(
      first.transactions.map((t) => t.transaction_hash),
    );
    expect(events[0]!.data?.errors).toBeUndefined();

    await sub.close();
    await eventually(async () => expect(await feedConnections(chain.id, ip)).toBe(0), 5000);
  });

  it("counts against the live feed's per-address connection cap: one past it is too-many-connections", async () => {
    const chain = testChain();
    const ip = "192.0.2.72";
    const open = [];
    for (let i = 0; i < CAP; i++) open.push(await gqlStream(NEW_BLOCK, { ...chain.headers, "CF-Connecting-IP": ip }));
    await eventually(async () => expect(await feedConnections(chain.id, ip)).toBe(CAP), 5000);
    const refused = await gqlStream(NEW_BLOCK, { ...chain.headers, "CF-Connecting-IP": ip });
    const events = await refused.waitFor((e) => e.some((x) => x.event === "complete"));
    expect(events.map((e) => e.event)).toEqual(["next", "complete"]);
    expect(codes(events[0]!.data!)).toEqual(["too-many-connections"]);
    expect(events[0]!.data!.errors![0]!.extensions.status).toBe(429);
    // The cap is shared with the WebSocket route: a socket from the same address is refused too.
    const ws = await api("/api/blockchain/ws", {
      headers: { ...chain.headers, Upgrade: "websocket", "CF-Connecting-IP": ip },
    });
    expect(ws.status).toBe(429);
    await ws.text();
    for (const s of open) await s.close();
    await eventually(async () => expect(await feedConnections(chain.id, ip)).toBe(0), 5000);
  });
});

describe("subscription myNotifications", () => {
  it("refuses an anonymous subscriber with unauthorized before opening any feed", async () => {
    const sub = await gqlStream(MY_NOTIFICATIONS);
    const events = await sub.waitFor((e) => e.some((x) => x.event === "complete"));
    expect(events.map((e) => e.event)).toEqual(["next", "complete"]);
    expect(codes(events[0]!.data!)).toEqual(["unauthorized"]);
  });

  it("streams the viewer's own notifications and nobody else's", async () => {
    const [a, b, c] = (await createUsers(3)) as [TestUser, TestUser, TestUser];
    const subA = await gqlStream(MY_NOTIFICATIONS, a.headers);
    const subC = await gqlStream(MY_NOTIFICATIONS, c.headers);
    await subA.waitFor((e) => e.length >= 1);
    await subC.waitFor((e) => e.length >= 1);
    expect(subA.events[0]!.data!.data!.myNotifications).toEqual({ kind: "hello", unread: 0, notification: null });

    const follow = await api(`/api/social/users/${a.id}/follow`, { method: "POST", headers: b.headers });
    expect(follow.status).toBe(200);
    await subA.waitFor((e) => e.some((x) => x.data?.data?.myNotifications?.kind === "notification"), 10_000);
    const pushed = subA.events.find((x) => x.data?.data?.myNotifications?.kind === "notification")!;
    expect(pushed.data!.data!.myNotifications).toMatchObject({
      unread: 1,
      notification: { type: "social.followed", actorId: b.id },
    });
    // C's stream saw only its hello: A's notification went to A's object alone.
    await new Promise((r) => setTimeout(r, 1500));
    expect(subC.events.map((e) => e.data?.data?.myNotifications?.kind)).toEqual(["hello"]);

    await subA.close();
    await subC.close();
    const stub = env.NOTIFICATIONS.get(env.NOTIFICATIONS.idFromName(notificationsObjectName(a.id)));
    await eventually(async () => expect(await stub.connections()).toBe(0), 5000);
  });
});

describe("subscriptions are served only as event streams", () => {
  it("a subscription POSTed for JSON is refused; a query asked as a stream is one next and complete", async () => {
    const asJson = await gql(NEW_BLOCK);
    expect(codes(asJson)).toEqual(["graphql-validation-failed"]);
    expect(asJson.errors![0]!.message).toContain("text/event-stream");
    const query = await gqlStream("{ blocks(first: 1) { nodes { height } } }");
    const events = await query.waitFor((e) => e.some((x) => x.event === "complete"));
    expect(events.map((e) => e.event)).toEqual(["next", "complete"]);
    expect(events[0]!.data!.data!.blocks.nodes).toBeInstanceOf(Array);
  });

  it("a subscription with two root fields is refused before any feed is opened", async () => {
    const sub = await gqlStream("subscription { myNotifications { kind } newBlock { height } }");
    const events = await sub.waitFor((e) => e.some((x) => x.event === "complete"));
    expect(codes(events[0]!.data!)).toEqual(["graphql-validation-failed"]); // one root field per subscription
  });
});
