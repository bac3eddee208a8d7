// mineBlock against a fake Durable Object: check-and-set retries, outcomes mapped to statuses.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors.ts";
import {
  EMPTY_MERKLE_ROOT,
  genesisBlock,
  hashBlockHeader,
  meetsDifficulty,
} from "../../src/services/chain/block-hash.ts";
import type { BlockProposal } from "../../src/services/chain/block-writer.ts";
import { durableObjectLedger, ledgerUnavailable } from "../../src/services/chain/chain-writer.ts";
import type { ChainHead } from "../../src/services/chain/ledger.ts";
import { merkleRoot } from "../../src/services/chain/merkle.ts";
import {
  type AppendOutcome,
  type ChainWriter,
  MAX_APPEND_ATTEMPTS,
  mineBlock,
} from "../../src/services/chain/mining.ts";

const MINER = "RD0123456789abcdef0123456789abcdef012345";
const input = { minerId: 1, minerAddress: MINER, maxTransactions: 10 };

async function genesisHead(): Promise<ChainHead> {
  const g = await genesisBlock();
  return { height: 0, hash: g.hash, timestamp: g.header.timestamp };
}

/** Accepts a proposal only on its current head; `beforeAppend` can move the head first (a rival). */
function fakeChain(head: ChainHead, beforeAppend?: (n: number) => ChainHead | undefined, difficulty = 2) {
  const proposals: BlockProposal[] = [];
  const released: string[] = [];
  let calls = 0;
  const writer: ChainWriter = {
    reserve: async () => ({
      status: "granted",
      head,
      ticket: `t${calls}`,
      rules: { height: head.height + 1, difficulty, reward: "50.00000000" },
    }),
    release: async (ticket) => void released.push(ticket),
    append: async (p, ticket): Promise<AppendOutcome> => {
      expect(ticket).toMatch(/^t\d+$/);
      proposals.push(p);
      const moved = beforeAppend?.(++calls);
      if (moved) head = moved;
      if (p.header.previous_hash !== head.hash || p.header.height !== head.height + 1) return { status: "stale", head };
      head = { height: p.header.height, hash: p.hash, timestamp: p.header.timestamp };
      return { status: "appended", head, block: { height: p.header.height, hash: p.hash } as never };
    },
  };
  return { writer, proposals, released };
}

describe("mineBlock", () => {
  it("mines a valid successor of the head with the pending transactions in order", async () => {
    const head = await genesisHead();
    const { writer, proposals } = fakeChain(head);
    const pending = [
      { id: 3, transactionHash: "aa".repeat(32) },
      { id: 7, transactionHash: "bb".repeat(32) },
    ];
    const r = await mineBlock({ writer, pending: async () => pending }, input);
    expect(r.attempts).toBe(1);
    const p = proposals[0]!;
    expect(p.header).toMatchObject({
      height: 1,
      previous_hash: head.hash,
      difficulty: 2,
      reward: "50.00000000",
      transaction_count: 2,
    });
    expect(p.header.merkle_root).toBe(await merkleRoot(pending.map((t) => t.transactionHash)));
    expect(p.transactions).toEqual([
      { id: 3, hash: "aa".repeat(32) },
      { id: 7, hash: "bb".repeat(32) },
    ]);
    expect(await hashBlockHeader(p.header)).toBe(p.hash);
    expect(meetsDifficulty(p.hash, 2)).toBe(true);
    expect(p.header.timestamp).toBeGreaterThanOrEqual(head.timestamp);
  });

  it("on a lost check-and-set, mines again on the head it is given (re-reading pending transactions)", async () => {
    const head = await genesisHead();
    const rival: ChainHead = { height: 1, hash: "0f".repeat(32), timestamp: head.timestamp + 10 };
    const { writer, proposals } = fakeChain(head, (n) => (n === 1 ? rival : undefined));
    let reads = 0;
    const r = await mineBlock({ writer, pending: async () => (reads++, []) }, input);
    expect(r.attempts).toBe(2);
    expect(reads).toBe(2);
    expect(proposals[1]!.header).toMatchObject({
      height: 2,
      previous_hash: rival.hash,
      merkle_root: EMPTY_MERKLE_ROOT,
    });
    expect(proposals[1]!.header.timestamp).toBeGreaterThanOrEqual(rival.timestamp);
  });

  it("gives up with 503 when it keeps losing", async () => {
    const head = await genesisHead();
    let h = head;
    const { writer } = fakeChain(
      head,
      () =>
        (h = {
          height: h.height + 1,
          hash: crypto.randomUUID().replaceAll("-", "").padEnd(64, "0"),
          timestamp: h.timestamp,
        }),
    );
    const err = await mineBlock({ writer, pending: async () => [] }, input).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(h.height).toBe(MAX_APPEND_ATTEMPTS);
  });

  it.each([
    [{ status: "superseded" }, 409],
    [{ status: "unavailable", reason: "database unavailable" }, 503],
  ] as const)("maps %j to %i", async (outcome, status) => {
    const head = await genesisHead();
    const writer: ChainWriter = {
      reserve: async () => ({
        status: "granted",
        head,
        ticket: "t",
        rules: { height: head.height + 1, difficulty: 0, reward: "50.00000000" },
      }),
      release: async () => {},
      append: async () => outcome as AppendOutcome,
    };
    const err = await mineBlock({ writer, pending: async () => [] }, input).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(status);
  });

  it("no turn within the wait (busy) → 503", async () => {
    const writer: ChainWriter = {
      reserve: async () => ({ status: "busy" }),
      release: async () => {},
      append: async () => ({ status: "superseded" }),
    };
    const err = await mineBlock({ writer, pending: async () => [] }, input).catch((e) => e);
    expect(err.status).toBe(503);
  });

  it("gives its turn back when it fails before appending", async () => {
    const head = await genesisHead();
    const { writer, released, proposals } = fakeChain(head);
    const err = await mineBlock({ writer, pending: () => Promise.reject(new Error("db down")) }, input).catch((e) => e);
    expect(String(err.message)).toBe("db down");
    expect(released).toEqual(["t0"]);
    expect(proposals).toHaveLength(0);
  });

  it("a rejected block is a bug (500), never silently retried", async () => {
    const head = await genesisHead();
    const writer: ChainWriter = {
      reserve: async () => ({
        status: "granted",
        head,
        ticket: "t",
        rules: { height: head.height + 1, difficulty: 0, reward: "50.00000000" },
      }),
      release: async () => {},
      append: async () => ({ status: "rejected", reason: "x" }),
    };
    const err = await mineBlock({ writer, pending: async () => [] }, input).catch((e) => e);
    expect(err).not.toBeInstanceOf(ApiError);
    expect(String(err.message)).toMatch(/rejected/);
  });
});

describe("Durable Object failures", () => {
  it("overloaded → 503 with a long Retry-After; retryable or other → 503 Retry-After 5; never retried here", async () => {
    const overloaded = ledgerUnavailable(Object.assign(new Error("overloaded"), { overloaded: true }));
    expect(overloaded.status).toBe(503);
    expect(overloaded.extra.headers?.["Retry-After"]).toBe("30");
    const retryable = ledgerUnavailable(Object.assign(new Error("reset"), { retryable: true }));
    expect(retryable.status).toBe(503);
    expect(retryable.extra.headers?.["Retry-After"]).toBe("5");

    let calls = 0;
    const stub = {
      head: async () => {
        calls++;
        throw Object.assign(new Error("Network connection lost."), { retryable: true });
      },
    } as unknown as import("../../src/durable-objects/roadchain.contract.ts").RoadChainStub;
    const err = await durableObjectLedger(stub, "main")
      .head()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(calls).toBe(1);
  });
});
