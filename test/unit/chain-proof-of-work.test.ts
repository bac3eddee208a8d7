// The difficulty-3 vector (nonce 4814) was found independently by brute force in Node with
// node:crypto over hand-built JSON strings: for n = 0, 1, … hash the canonical text with
// "nonce":n until the hex digest starts with "000".
import { describe, expect, it } from "vitest";
import { canonicalHeader, hashBlockHeader, meetsDifficulty } from "../../src/services/chain/block-hash.ts";
import {
  createNonceHasher,
  MiningLimitError,
  type MiningTemplate,
  mineHeader,
  stateMeetsDifficulty,
} from "../../src/services/chain/proof-of-work.ts";

const TEMPLATE: MiningTemplate = {
  height: 1,
  timestamp: 1_767_225_660_000,
  previous_hash: "11".repeat(32),
  merkle_root: "22".repeat(32),
  miner_address: "RD0123456789abcdef0123456789abcdef012345",
  reward: "50.00000000",
  transaction_count: 2,
};

describe("mineHeader", () => {
  it("finds the independently computed difficulty-3 nonce", async () => {
    const r = await mineHeader(TEMPLATE, 3);
    expect(r.nonce).toBe(4814);
    expect(r.attempts).toBe(4815);
    expect(r.hash).toBe("000a7541c1be3745bbfb294da8e6602419bdb41a566a605a67da55661be4b831");
    expect(meetsDifficulty(r.hash, 3)).toBe(true);
    expect(r.header).toEqual({ ...TEMPLATE, difficulty: 3, nonce: 4814 });
    expect(await hashBlockHeader(r.header)).toBe(r.hash);
  });

  it("resumes from startNonce and reports attempts from there", async () => {
    const r = await mineHeader(TEMPLATE, 2, { startNonce: 5000 });
    expect(r.nonce).toBeGreaterThanOrEqual(5000);
    expect(r.attempts).toBe(r.nonce - 5000 + 1);
    expect(meetsDifficulty(await hashBlockHeader(r.header), 2)).toBe(true);
    for (let n = 5000; n < r.nonce; n++) {
      expect(meetsDifficulty(await hashBlockHeader({ ...TEMPLATE, difficulty: 2, nonce: n }), 2)).toBe(false);
    }
  });

  it("difficulty 0 accepts the first nonce", async () => {
    const r = await mineHeader(TEMPLATE, 0, { startNonce: 77 });
    expect(r).toMatchObject({ nonce: 77, attempts: 1 });
  });

  it("throws a typed, resumable error when maxIterations runs out", async () => {
    const err = await mineHeader(TEMPLATE, 3, { maxIterations: 100, startNonce: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MiningLimitError);
    expect(err).toMatchObject({ code: "mining_limit_exceeded", attempts: 100, nextNonce: 110 });
  });

  it("rejects bad arguments", async () => {
    await expect(mineHeader(TEMPLATE, 65)).rejects.toThrow(RangeError);
    await expect(mineHeader(TEMPLATE, 3, { maxIterations: 0 })).rejects.toThrow(RangeError);
    await expect(mineHeader(TEMPLATE, 3, { startNonce: -1 })).rejects.toThrow(RangeError);
    await expect(mineHeader(TEMPLATE, 3, { startNonce: Number.MAX_SAFE_INTEGER })).rejects.toThrow(RangeError);
    await expect(mineHeader({ ...TEMPLATE, difficulty: 4 }, 3)).rejects.toThrow(RangeError);
    await expect(mineHeader({ ...TEMPLATE, reward: "50" }, 3)).rejects.toThrow(TypeError);
  });
});

describe("fast path equals the canonical path", () => {
  // Nonces around every digit-count change, where the tail layout is rebuilt.
  const boundaryNonces = [0, 1, 9, 10, 11, 99, 100, 4814, 65_535, 65_536];
  for (let k = 3; k <= 15; k++) boundaryNonces.push(10 ** k - 1, 10 ** k, 10 ** k + 1);
  boundaryNonces.push(Number.MAX_SAFE_INTEGER);

  it("for 1,000 nonces on the reference template", async () => {
    const hasher = createNonceHasher(TEMPLATE, 3);
    const nonces = [...boundaryNonces, ...Array.from({ length: 950 }, (_, i) => i * 7919 + 12_345)];
    for (const nonce of nonces) {
      const header = { ...TEMPLATE, difficulty: 3, nonce };
      expect(hasher.canonical(nonce)).toBe(canonicalHeader(header));
      expect(hasher.hash(nonce)).toBe(await hashBlockHeader(header));
    }
  });

  it("for templates covering every message length mod 64 and nonces straddling blocks", async () => {
    const totalMod64 = new Set<number>();
    let straddles = 0;
    for (let heightDigits = 1; heightDigits <= 16; heightDigits++) {
      for (const miner_address of [TEMPLATE.miner_address, null]) {
        for (const difficulty of [0, 12]) {
          for (const reward of ["0.00000000", "50.00000000", "999999999999.99999999"]) {
            const height = heightDigits === 16 ? Number.MAX_SAFE_INTEGER : 10 ** (heightDigits - 1);
            const template = { ...TEMPLATE, height, miner_address, reward };
            const hasher = createNonceHasher(template, difficulty);
            const prefixLen = hasher.canonical(0).indexOf('"nonce":') + 8;
            for (const nonce of boundaryNonces) {
              const digits = String(nonce).length;
              totalMod64.add(hasher.canonical(nonce).length % 64);
              if ((prefixLen % 64) + digits > 64) straddles++;
              expect(hasher.hash(nonce)).toBe(await hashBlockHeader({ ...template, difficulty, nonce }));
            }
          }
        }
      }
    }
    expect(totalMod64.size).toBe(64); // every padding layout, incl. the 55/56-byte edge
    expect(straddles).toBeGreaterThan(0); // nonce digits split across two 64-byte blocks
  });

  it("the incrementing search agrees with brute force across digit-count changes", async () => {
    for (let k = 1; k <= 6; k++) {
      const start = 10 ** k - 3;
      const { nonce } = await mineHeader(TEMPLATE, 1, { startNonce: start });
      let expected = start;
      while (!meetsDifficulty(await hashBlockHeader({ ...TEMPLATE, difficulty: 1, nonce: expected }), 1)) expected++;
      expect(nonce).toBe(expected);
    }
  });
});

describe("stateMeetsDifficulty", () => {
  const fromHex = (hex: string) =>
    Int32Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16) | 0);

  it("agrees with the hex rule for every difficulty", () => {
    const samples = ["f".repeat(64), "0".repeat(64)];
    for (let z = 1; z < 64; z++)
      samples.push(`${"0".repeat(z)}8${"f".repeat(63 - z)}`, "0".repeat(z) + "1".repeat(64 - z));
    for (const hex of samples) {
      for (let d = 0; d <= 64; d++) expect(stateMeetsDifficulty(fromHex(hex), d)).toBe(meetsDifficulty(hex, d));
    }
  });
});
