// Verified checkpoints (verify-incremental.ts) and the chunked full pass (verify-job.ts) against
// in-memory chains: a request walks only what is new plus the link to its checkpoint, old blocks
// are re-checked in random windows (tampering below a checkpoint is caught, and stays reported),
// and the full pass in chunks finds what the one-shot walk finds.
import { beforeAll, describe, expect, it } from "vitest";
import type { BlockRow } from "../../src/services/chain/ledger.ts";
import { mineHeader } from "../../src/services/chain/proof-of-work.ts";
import { verifyChain } from "../../src/services/chain/verify.ts";
import { verifyIncremental } from "../../src/services/chain/verify-incremental.ts";
import {
  type FullPassState,
  finishFullPass,
  isFinished,
  progressOf,
  runChunk,
  startFullPass,
} from "../../src/services/chain/verify-job.ts";
import {
  blockAt,
  buildRowChain,
  cloneRows,
  headOf,
  memoryCheckpoints,
  type RowChain,
  rowSource,
} from "../helpers/chain-rows.ts";

let base: RowChain;
beforeAll(async () => {
  base = await buildRowChain(300);
});

/** Random numbers that put sample windows (size 16, top t) at the given starts. */
const windowsAt = (top: number, ...starts: number[]) => {
  const values = starts.map((s) => (s + 0.5) / (top + 1 - 16 + 1));
  let i = 0;
  return () => values[i++ % values.length]!;
};

const cut = (c: RowChain, top: number): RowChain => ({
  blocks: c.blocks.filter((b) => b.height <= top),
  txs: c.txs.filter((t) => t.blockHeight! <= top),
});

/** Block `height` re-mined from the next nonce on: a valid hash and work, so only links can tell. */
async function remine(chain: RowChain, height: number): Promise<void> {
  const b = blockAt(chain, height);
  const mined = await mineHeader(
    {
      height,
      timestamp: b.timestampMs,
      previous_hash: b.previousHash,
      merkle_root: b.merkleRoot,
      miner_address: b.minerAddress!,
      reward: b.reward,
      transaction_count: b.transactionCount,
    },
    1,
    { startNonce: b.nonce + 1 },
  );
  Object.assign(b, { nonce: mined.nonce, hash: mined.hash } satisfies Partial<BlockRow>);
}

describe("GET /verify with checkpoints", () => {
  it("walks from genesis once, then only the checkpoint's block and what is new", async () => {
    const store = memoryCheckpoints();
    const at250 = cut(base, 250);
    const first = await verifyIncremental(rowSource(at250, headOf(at250)), store);
    expect(first).toMatchObject({
      valid: true,
      complete: true,
      verified_from: 0,
      checkpoint_height: null,
      checked_blocks: 251,
      sampled_blocks: 0,
    });
    expect(store.list.map((c) => c.height)).toEqual([250]);

    const source = rowSource(base, headOf(base));
    const second = await verifyIncremental(source, store, { random: windowsAt(249, 10, 100, 200, 230) });
    expect(second).toMatchObject({ valid: true, verified_from: 250, checkpoint_height: 250, checked_blocks: 51 });
    expect(second.sampled_blocks).toBe(64);
    expect(store.list.map((c) => c.height)).toEqual([250, 300]);

    const third = rowSource(base, headOf(base));
    const r3 = await verifyIncremental(third, store, { random: windowsAt(299, 0, 50, 150, 280) });
    expect(r3).toMatchObject({ valid: true, verified_from: 300, checked_blocks: 1, sampled_blocks: 64 });
    // What was read: the checkpoint's block and the four windows, nothing else.
    expect(new Set(third.reads).size).toBe(65);
  });

  it("a block changed below the checkpoint is caught by a window over it, and reported by every later request", async () => {
    const store = memoryCheckpoints();
    const chain = cloneRows(base);
    const head = headOf(chain);
    await verifyIncremental(rowSource(chain, head), store);
    blockAt(chain, 120).nonce += 1; // header changed, stored hash kept

    const missed = await verifyIncremental(rowSource(chain, head), store, { random: windowsAt(299, 0, 40, 200, 260) });
    expect(missed.valid).toBe(true); // no window over 120: by chance, per request (docs/roadchain.md)

    const caught = await verifyIncremental(rowSource(chain, head), store, { random: windowsAt(299, 110, 0, 200, 260) });
    expect(caught).toMatchObject({ valid: false, first_invalid_height: 120, verified_from: 300 });
    expect(caught.errors).toContainEqual({
      height: 120,
      problem: "block hash does not match its header (a header field was changed)",
    });
    expect(caught.errors.every((e) => e.height === 120)).toBe(true);
    // The checkpoints it contradicts are gone: the next request walks from below it, whatever it samples.
    expect(store.list).toEqual([]);
    const after = await verifyIncremental(rowSource(chain, head), store, { random: windowsAt(299, 0, 40, 200, 260) });
    expect(after).toMatchObject({ valid: false, first_invalid_height: 120, verified_from: 0 });
  });

  it("a re-mined block below the checkpoint (valid hash and work) is caught through the next block's link", async () => {
    const store = memoryCheckpoints();
    const chain = cloneRows(base);
    const head = headOf(chain);
    await verifyIncremental(rowSource(chain, head), store);
    await remine(chain, 120);
    const r = await verifyIncremental(rowSource(chain, head), store, { random: windowsAt(299, 112, 0, 200, 260) });
    expect(r.errors).toEqual([{ height: 121, problem: "previous_hash does not match the hash of block 120" }]);
  });

  it("a verified range smaller than the sample is re-checked whole by every request", async () => {
    const store = memoryCheckpoints();
    const chain = cut(cloneRows(base), 40);
    const head = headOf(chain);
    await verifyIncremental(rowSource(chain, head), store);
    const tx = chain.txs.find((t) => t.blockHeight === 30)!;
    tx.amount = "2.00000000";
    const r = await verifyIncremental(rowSource(chain, head), store);
    expect(r).toMatchObject({ valid: false, first_invalid_height: 30, verified_from: 40, sampled_blocks: 40 });
  });

  it("a checkpoint's own block replaced after it was verified is named at its height", async () => {
    const store = memoryCheckpoints();
    const chain = cloneRows(base);
    await verifyIncremental(rowSource(cut(chain, 250), headOf(chain, 250)), store);
    await remine(chain, 250);
    const r = await verifyIncremental(rowSource(chain, headOf(chain)), store, { sample: { windows: 0, size: 0 } });
    expect(r.first_invalid_height).toBe(250);
    expect(r.errors[0]!.problem).toMatch(/block hash differs from the one verified at this checkpoint/);
  });

  it("verifies at most maxNewBlocks per request: incomplete (never valid) until the head is reached", async () => {
    const store = memoryCheckpoints();
    const source = () => rowSource(base, headOf(base));
    const r1 = await verifyIncremental(source(), store, { maxNewBlocks: 120 });
    expect(r1).toMatchObject({ valid: false, complete: false, errors: [], remaining_blocks: 180, checked_blocks: 121 });
    const r2 = await verifyIncremental(source(), store, { maxNewBlocks: 120 });
    expect(r2).toMatchObject({ valid: false, complete: false, verified_from: 120, remaining_blocks: 60 });
    const r3 = await verifyIncremental(source(), store, { maxNewBlocks: 120 });
    expect(r3).toMatchObject({ valid: true, complete: true, verified_from: 240, remaining_blocks: 0 });
  });

  it("a truncated tail under a checkpoint at the head is reported as the full walk reports it", async () => {
    const store = memoryCheckpoints();
    const chain = cloneRows(base);
    const head = headOf(chain);
    await verifyIncremental(rowSource(chain, head), store);
    chain.blocks = chain.blocks.filter((b) => b.height <= 298);
    const r = await verifyIncremental(rowSource(chain, head), store);
    expect(r.errors).toEqual([
      {
        height: 299,
        problem:
          "missing block: the database ends at height 298 but the RoadChain head is at height 300 (truncated chain)",
      },
    ]);
  });
});

describe("the full pass in chunks", () => {
  async function runAll(chain: RowChain, chunkBlocks: number) {
    const head = headOf(base);
    let state: FullPassState = startFullPass(1, "t_unit", head);
    const done: number[] = [];
    while (!isFinished(state)) {
      // Through JSON, as the Durable Object's storage keeps it between alarms.
      state = JSON.parse(JSON.stringify(await runChunk(rowSource(chain, head), state, { chunkBlocks })));
      done.push(progressOf(state).done_blocks);
    }
    return { result: finishFullPass(state, await rowSource(chain, head).anchor()), done };
  }

  it("finds a valid chain valid, chunk by chunk, with the one-shot walk's counts", async () => {
    const { result, done } = await runAll(base, 37);
    const oneShot = await verifyChain(rowSource(base, headOf(base)));
    expect(result).toMatchObject({
      valid: true,
      chunks: 9,
      checked_blocks: oneShot.checked_blocks,
      checked_transactions: oneShot.checked_transactions,
    });
    expect(done).toEqual([37, 74, 111, 148, 185, 222, 259, 296, 301]);
  });

  it("links across chunk boundaries: a re-mined last block of a chunk is caught by the next chunk", async () => {
    const chain = cloneRows(base);
    await remine(chain, 73);
    const { result } = await runAll(chain, 37);
    expect(result).toMatchObject({ valid: false, first_invalid_height: 74 });
    expect(result.problems).toEqual([{ height: 74, problem: "previous_hash does not match the hash of block 73" }]);
  });

  it("a gap spanning a chunk boundary and a changed transaction are both named", async () => {
    const chain = cloneRows(base);
    chain.blocks = chain.blocks.filter((b) => b.height !== 73 && b.height !== 74);
    chain.txs.find((t) => t.blockHeight === 200)!.amount = "3.00000000";
    const { result } = await runAll(chain, 37);
    expect(result.problems[0]).toEqual({ height: 73, problem: "missing blocks 73–74" });
    expect(result.problems.some((p) => p.height === 200)).toBe(true);
    expect(result.first_invalid_height).toBe(73);
  });
});
