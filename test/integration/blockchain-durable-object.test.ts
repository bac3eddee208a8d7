// The RoadChain Durable Object: eviction and aborts mid-sequence, recovery of an interrupted
// append, check-and-set under interleaving, and the WebSocket stream across an eviction of the writer.
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { blocks } from "../../src/db/schema/index.ts";
import type { RoadChainDO } from "../../src/durable-objects/roadchain.ts";
import { EMPTY_MERKLE_ROOT } from "../../src/services/chain/block-hash.ts";
import type { ChainHead } from "../../src/services/chain/ledger.ts";
import { mineHeader } from "../../src/services/chain/proof-of-work.ts";
import { api, expectProblem } from "../helpers/api.ts";
import {
  type BlockJson,
  directDb,
  mine,
  mineOk,
  type TestChain,
  type TxJson,
  testChain,
  transfer,
  verify,
  walletOf,
} from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

let miner: TestUser;
let minerAddress: string;

beforeAll(async () => {
  miner = await createUser();
  minerAddress = (await walletOf(miner)).address;
});

const stubOf = (chain: TestChain) => env.ROADCHAIN.getByName(chain.id);

async function blocksOf(chain: TestChain): Promise<BlockJson[]> {
  const res = await api("/api/blockchain/blocks?limit=100", { headers: chain.headers });
  return (await res.json<BlockJson[]>()).reverse();
}

/** A valid next block on `head` (difficulty 1, no transactions), mined in the test. */
async function proposalOn(head: ChainHead, offsetMs: number) {
  const mined = await mineHeader(
    {
      height: head.height + 1,
      timestamp: head.timestamp + offsetMs,
      previous_hash: head.hash,
      merkle_root: EMPTY_MERKLE_ROOT,
      miner_address: minerAddress,
      reward: "50.00000000",
      transaction_count: 0,
    },
    1,
  );
  return { header: mined.header, hash: mined.hash, minerId: miner.id, transactions: [] };
}

describe("eviction and restarts", () => {
  it("evicted mid-sequence: the head reloads from storage and the chain continues", async () => {
    const chain = testChain();
    for (let i = 0; i < 5; i++) await mineOk(chain, miner);
    await evictDurableObject(stubOf(chain));
    for (let i = 0; i < 5; i++) await mineOk(chain, miner);
    const all = await blocksOf(chain);
    expect(all.map((b) => b.height)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(await verify(chain)).toMatchObject({ valid: true, height: 10 });
  });

  it("all objects aborted while appends are in flight: retries with the same key give exactly one block each", async () => {
    const chain = testChain();
    await mineOk(chain, miner);
    const keys = Array.from({ length: 4 }, () => crypto.randomUUID());
    const first = keys.map((k) => mine(chain, miner, { headers: { "Idempotency-Key": k } }));
    await abortAllDurableObjects();
    const statuses = await Promise.all(first.map(async (p) => (await p).status));
    for (const s of statuses) expect([201, 409, 503]).toContain(s);

    const finalBlocks = new Map<string, string>();
    for (const k of keys) {
      for (let attempt = 0; attempt < 10 && !finalBlocks.has(k); attempt++) {
        const res = await mine(chain, miner, { headers: { "Idempotency-Key": k } });
        if (res.status === 201) finalBlocks.set(k, (await res.json<BlockJson>()).hash);
        else await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(finalBlocks.size).toBe(4);
    const all = await blocksOf(chain);
    expect(all.map((b) => b.height)).toEqual(Array.from({ length: all.length }, (_, i) => i));
    expect(all).toHaveLength(2 + 4); // genesis, the first block, one block per key
    expect(new Set(finalBlocks.values()).size).toBe(4);
    expect((await verify(chain)).valid).toBe(true);
  });

  it("aborted mid-append with transfers pending: no fork, each transfer confirmed exactly once, the next append works", async () => {
    const chain = testChain();
    await mineOk(chain, miner);
    const to = (await walletOf(await createUser())).address;
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await transfer(chain, miner, { to_address: to, amount: "1" });
      expect(res.status).toBe(201);
      sent.push((await res.json<TxJson>()).transaction_hash);
    }
    const keys = [crypto.randomUUID(), crypto.randomUUID()];
    const inFlight = keys.map((k) => mine(chain, miner, { headers: { "Idempotency-Key": k } }));
    await abortAllDurableObjects(); // the writer is reset while both appends are under way
    for (const s of await Promise.all(inFlight.map(async (p) => (await p).status)))
      expect([201, 409, 503]).toContain(s);
    for (const k of keys) {
      let status = 0;
      for (let attempt = 0; attempt < 10 && status !== 201; attempt++) {
        status = (await mine(chain, miner, { headers: { "Idempotency-Key": k } })).status;
        if (status !== 201) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(201);
    }
    const next = await mineOk(chain, miner);
    const all = await blocksOf(chain);
    expect(all.map((b) => b.height)).toEqual(Array.from({ length: all.length }, (_, i) => i)); // no fork, no gap
    expect(next.height).toBe(all.length - 1);
    const confirmed: string[] = [];
    for (const b of all) {
      const res = await api(`/api/blockchain/blocks/${b.height}`, { headers: chain.headers });
      confirmed.push(...(await res.json<BlockJson>()).transactions.map((t) => t.transaction_hash));
    }
    for (const hash of sent) expect(confirmed.filter((h) => h === hash)).toHaveLength(1); // none lost, none twice
    expect(new Set(confirmed).size).toBe(confirmed.length);
    expect((await verify(chain)).valid).toBe(true);
  });

  it("an append whose Postgres commit landed but whose head update did not is recovered, not forked", async () => {
    const chain = testChain();
    const last = await mineOk(chain, miner);
    const stub = stubOf(chain);
    const head: ChainHead = { height: last.height, hash: last.hash, timestamp: last.timestamp };
    const p = await proposalOn(head, 5);
    // What the object records before its Postgres write, then the committed row itself:
    await runInDurableObject(stub, (_instance: RoadChainDO, state) => {
      state.storage.kv.put("attempts", { height: p.header.height, hashes: [p.hash] });
    });
    const { db, close } = directDb();
    try {
      await db.insert(blocks).values({
        chain: chain.id,
        height: p.header.height,
        timestampMs: p.header.timestamp,
        previousHash: p.header.previous_hash,
        merkleRoot: p.header.merkle_root,
        nonce: p.header.nonce,
        difficulty: 1,
        minerId: miner.id,
        minerAddress,
        reward: "50",
        transactionCount: 0,
        hash: p.hash,
      });
    } finally {
      await close();
    }
    await evictDurableObject(stub);
    expect(await verify(chain)).toMatchObject({ valid: true, height: last.height + 1, head_hash: p.hash });
    const next = await mineOk(chain, miner);
    expect(next).toMatchObject({ height: last.height + 2, previous_hash: p.hash });
  });

  it("concurrent check-and-set on one head: exactly one append wins, the other is told the new head", async () => {
    const chain = testChain();
    const last = await mineOk(chain, miner);
    const stub = stubOf(chain);
    const head: ChainHead = { height: last.height, hash: last.hash, timestamp: last.timestamp };
    const proposals = await Promise.all([1, 2, 3, 4].map((ms) => proposalOn(head, ms)));
    const results = await Promise.all(proposals.map((p) => stub.append(chain.id, p)));
    const appended = results.filter((r) => r.status === "appended");
    const stale = results.filter((r) => r.status === "stale");
    expect(appended).toHaveLength(1);
    expect(stale).toHaveLength(3);
    for (const r of stale) if (r.status === "stale") expect(r.head.height).toBe(last.height + 1);
    expect((await verify(chain)).valid).toBe(true);
  });

  it("miners take turns: a second reserve waits until the first turn is used or given back", async () => {
    const chain = testChain();
    await mineOk(chain, miner);
    const stub = stubOf(chain);
    const first = await stub.reserve(chain.id);
    expect(first.status).toBe("granted");
    let secondDone = false;
    const second = stub.reserve(chain.id).then((r) => ((secondDone = true), r));
    await new Promise((r) => setTimeout(r, 150));
    expect(secondDone).toBe(false);
    if (first.status === "granted") {
      const p = await proposalOn(first.head, 1);
      expect((await stub.append(chain.id, p, first.ticket)).status).toBe("appended");
    }
    const turn = await second;
    expect(turn.status).toBe("granted");
    if (turn.status === "granted") {
      expect(turn.head.height).toBe(2);
      await stub.release(turn.ticket);
    }
    const third = await stub.reserve(chain.id);
    expect(third.status).toBe("granted");
    if (third.status === "granted") await stub.release(third.ticket);
  });

  it("refuses a proposal that is not a valid next block", async () => {
    const chain = testChain();
    const last = await mineOk(chain, miner);
    const stub = stubOf(chain);
    const p = await proposalOn({ height: last.height, hash: last.hash, timestamp: last.timestamp }, 1);
    // A hash that still meets the difficulty but is not the header's (always differs in its last digit).
    const wrongHash = p.hash.slice(0, -1) + (p.hash.endsWith("0") ? "1" : "0");
    expect((await stub.append(chain.id, { ...p, hash: wrongHash })).status).toBe("rejected");
    expect((await stub.append(chain.id, { ...p, header: { ...p.header, reward: "999.00000000" } })).status).toBe(
      "rejected",
    );
    expect((await stub.append(chain.id, { ...p, header: { ...p.header, height: 99 } })).status).toBe("stale");
    expect((await verify(chain)).height).toBe(last.height);
  });
});

describe("GET /ws", () => {
  type Message = { type: string; head?: ChainHead; block?: BlockJson };

  async function connect(chain: TestChain) {
    const res = await api("/api/blockchain/ws", { headers: { ...chain.headers, Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: Message[] = [];
    let notify = () => {};
    ws.addEventListener("message", (e) => {
      const text = e.data as string;
      messages.push(text.startsWith("{") ? (JSON.parse(text) as Message) : { type: text });
      notify();
    });
    ws.accept();
    const waitFor = async (n: number, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
      return messages;
    };
    return { ws, messages, waitFor };
  }

  it("says hello with the head, then sends every new block once, across an eviction of the writer", async () => {
    const chain = testChain();
    const first = await mineOk(chain, miner);
    const a = await connect(chain);
    const b = await connect(chain);
    expect((await a.waitFor(1))[0]).toMatchObject({ type: "hello", head: { height: first.height, hash: first.hash } });

    const mined = [await mineOk(chain, miner), await mineOk(chain, miner)];
    // The writer goes away; the sockets are held by the feed's shards (block-feed.ts), which it feeds again once back.
    await evictDurableObject(stubOf(chain));
    mined.push(await mineOk(chain, miner), await mineOk(chain, miner));

    for (const client of [a, b]) {
      const got = (await client.waitFor(1 + mined.length)).filter((m) => m.type === "block");
      expect(got.map((m) => m.block!.height)).toEqual(mined.map((m) => m.height));
      expect(got.map((m) => m.block!.hash)).toEqual(mined.map((m) => m.hash));
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(a.messages.filter((m) => m.type === "block")).toHaveLength(mined.length); // no duplicates
    a.ws.close(1000, "done");
    b.ws.close(1000, "done");
  });

  it("answers ping with pong", async () => {
    const chain = testChain();
    const c = await connect(chain);
    await c.waitFor(1);
    const pong = new Promise<string>((resolve) => c.ws.addEventListener("message", (e) => resolve(e.data as string)));
    c.ws.send("ping");
    expect(await Promise.race([pong, new Promise((r) => setTimeout(() => r("timeout"), 3000))])).toBe("pong");
    c.ws.close(1000, "done");
  });

  it("a plain GET is 426", async () => {
    await expectProblem(await api("/api/blockchain/ws"), 426);
  });
});
