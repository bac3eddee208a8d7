// The live block feed under abuse (issue 14 §1): per-address connection cap, largest message, message
// rate (1008), idle timeout, and blocks still reaching subscribers while another socket floods —
// from sockets held by the feed's own Durable Objects, never by the ledger's writer.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { blockFeedStub, feedShardOf } from "../../src/durable-objects/block-feed.contract.ts";
import type { BlockFeedDO } from "../../src/durable-objects/block-feed.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { type BlockJson, mineOk, type TestChain, testChain } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const LIMITS = {
  connections: Number(env.BLOCKCHAIN_WS_MAX_CONNECTIONS_PER_ADDRESS),
  frameBytes: Number(env.BLOCKCHAIN_WS_MAX_FRAME_BYTES),
  perMinute: Number(env.BLOCKCHAIN_WS_MAX_MESSAGES_PER_MINUTE),
  idleSeconds: Number(env.BLOCKCHAIN_WS_IDLE_SECONDS),
  shards: Number(env.BLOCKCHAIN_WS_SHARDS),
};

let miner: TestUser;
beforeAll(async () => {
  miner = await createUser();
});

type Message = { type: string; block?: BlockJson; head?: { height: number } | null };
type Client = Awaited<ReturnType<typeof connect>>;

/** Opens a socket as the client at `ip` (CF-Connecting-IP, as Cloudflare's edge sets it). */
async function connect(chain: TestChain, ip: string) {
  const res = await api("/api/blockchain/ws", {
    headers: { ...chain.headers, Upgrade: "websocket", "CF-Connecting-IP": ip },
  });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: Message[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.addEventListener("message", (e) => {
    const text = e.data as string;
    messages.push(text.startsWith("{") ? (JSON.parse(text) as Message) : { type: text });
  });
  ws.accept();
  const waitFor = async (pred: (m: Message[]) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pred(messages) && Date.now() < deadline) await sleep(20);
    return messages;
  };
  return { ws, messages, closed, waitFor };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => "timeout" as const)]);
const hello = (c: Client) => c.waitFor((m) => m.some((x) => x.type === "hello"));
const shardStub = (chain: TestChain, ip: string) =>
  blockFeedStub(env.BLOCK_FEED, chain.id, feedShardOf(ip, LIMITS.shards));

/** Two addresses that land on different shards. */
function addressesOnTwoShards(): [string, string] {
  const a = "198.51.100.1";
  for (let i = 2; i < 255; i++) {
    const b = `198.51.100.${i}`;
    if (feedShardOf(b, LIMITS.shards) !== feedShardOf(a, LIMITS.shards)) return [a, b];
  }
  throw new Error("no two shards");
}

describe("live feed limits", () => {
  it("the limits are the configured ones (wrangler.toml)", () => {
    expect(LIMITS).toEqual({ connections: 10, frameBytes: 1024, perMinute: 30, idleSeconds: 90, shards: 4 });
  });

  it("refuses connections past the per-address cap with 429; another address still connects", async () => {
    const chain = testChain();
    const open: Client[] = [];
    for (let i = 0; i < LIMITS.connections; i++) open.push(await connect(chain, "203.0.113.5"));
    const refused = await api("/api/blockchain/ws", {
      headers: { ...chain.headers, Upgrade: "websocket", "CF-Connecting-IP": "203.0.113.5" },
    });
    const problem = await expectProblem(refused, 429);
    expect(problem.type).toMatch(/too-many-connections$/);
    const other = await connect(chain, "203.0.113.6");
    await hello(other);
    // A closed socket frees its place.
    open[0]!.ws.close(1000, "done");
    await open[0]!.closed;
    let again: Response | undefined;
    for (let i = 0; i < 50 && again?.status !== 101; i++) {
      again = await api("/api/blockchain/ws", {
        headers: { ...chain.headers, Upgrade: "websocket", "CF-Connecting-IP": "203.0.113.5" },
      });
      if (again.status !== 101) await sleep(50);
    }
    expect(again!.status).toBe(101);
    again!.webSocket!.accept();
    again!.webSocket!.close(1000, "done");
    for (const c of [...open.slice(1), other]) c.ws.close(1000, "done");
  });

  it("closes a socket that sends a message over the size limit with 1009 (text 1 KiB + 1 and 1 MiB, binary)", async () => {
    const chain = testChain();
    for (const size of [LIMITS.frameBytes + 1, 1024 * 1024]) {
      const c = await connect(chain, "203.0.113.10");
      await hello(c);
      c.ws.send("x".repeat(size));
      expect(await within(c.closed, 5000)).toMatchObject({ code: 1009, reason: "message too big" });
    }
    const binary = await connect(chain, "203.0.113.10");
    await hello(binary);
    binary.ws.send(new Uint8Array(LIMITS.frameBytes + 1));
    expect(await within(binary.closed, 5000)).toMatchObject({ code: 1009, reason: "message too big" });
    // At the limit it is an ordinary (ignored) message.
    const ok = await connect(chain, "203.0.113.10");
    await hello(ok);
    ok.ws.send("x".repeat(LIMITS.frameBytes));
    ok.ws.send("ping");
    await ok.waitFor((m) => m.some((x) => x.type === "pong"));
    expect(ok.messages.map((m) => m.type)).toEqual(["hello", "pong"]);
    ok.ws.close(1000, "done");
  });

  it("closes a flooding socket with 1008 after its per-minute budget; within the budget it answers", async () => {
    const chain = testChain();
    const c = await connect(chain, "203.0.113.20");
    await hello(c);
    for (let i = 0; i < 5000; i++) {
      try {
        c.ws.send("ping");
      } catch {
        break; // closed under us
      }
    }
    expect(await within(c.closed, 5000)).toMatchObject({ code: 1008, reason: "too many messages" });
    expect(c.messages.filter((m) => m.type === "pong")).toHaveLength(LIMITS.perMinute);
  });

  it("closes a socket that sent nothing for the idle time; a socket that pinged stays", async () => {
    const chain = testChain();
    const ip = "203.0.113.30";
    const stub = shardStub(chain, ip);
    const quiet = await connect(chain, ip);
    await hello(quiet);
    await sleep(1000);
    const talking = await connect(chain, ip);
    await hello(talking);
    talking.ws.send("ping");
    await talking.waitFor((m) => m.some((x) => x.type === "pong"));
    // The sweep the alarm runs, at a time the quiet socket (silent since its connection) has been idle
    // for the idle time and the talking one (pinged just now) has not.
    const at = Date.now() + LIMITS.idleSeconds * 1000 - 500;
    expect(await runInDurableObject(stub, (feed: BlockFeedDO) => feed.closeIdle(at))).toBe(1);
    expect(await within(quiet.closed, 5000)).toMatchObject({ code: 1000, reason: "idle timeout" });
    expect(await within(talking.closed, 300)).toBe("timeout");
    expect(await stub.connections()).toBe(1);
    // The alarm that runs the sweep is set while sockets are open (nothing is idle now).
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.connections()).toBe(1);
    talking.ws.close(1000, "done");
  });
});

describe("blocks reach subscribers", () => {
  it("an appended block reaches subscribers on every shard while another socket floods", async () => {
    const chain = testChain();
    const [a, b] = addressesOnTwoShards();
    const subscribers = [await connect(chain, a), await connect(chain, b)];
    for (const s of subscribers) await hello(s);
    const flooder = await connect(chain, a);
    await hello(flooder);
    for (let i = 0; i < 500; i++) {
      try {
        flooder.ws.send("head");
      } catch {
        break;
      }
    }
    const block = await mineOk(chain, miner);
    expect(await within(flooder.closed, 5000)).toMatchObject({ code: 1008 });
    for (const s of subscribers) {
      const got = await s.waitFor((m) => m.some((x) => x.type === "block"));
      expect(got.filter((m) => m.type === "block").map((m) => m.block!.hash)).toEqual([block.hash]);
      s.ws.send("head");
      await s.waitFor((m) => m.some((x) => x.type === "head"));
      expect(s.messages.find((m) => m.type === "head")?.head).toMatchObject({ height: block.height });
      s.ws.close(1000, "done");
    }
  });

  it("the ledger's writer holds no socket", async () => {
    const chain = testChain();
    const c = await connect(chain, "203.0.113.40");
    await hello(c);
    await mineOk(chain, miner);
    await c.waitFor((m) => m.some((x) => x.type === "block"));
    const writerSockets = await runInDurableObject(
      env.ROADCHAIN.getByName(chain.id),
      (_i, state) => state.getWebSockets().length,
    );
    expect(writerSockets).toBe(0);
    expect(await shardStub(chain, "203.0.113.40").connections()).toBe(1);
    c.ws.close(1000, "done");
  });
});
