// Expected hashes were computed independently with Node's node:crypto, hashing hand-written
// JSON strings (not this module's output), e.g.:
//   node -e 'console.log(require("crypto").createHash("sha256").update(TEXT).digest("hex"))'
import { describe, expect, it } from "vitest";
import {
  type BlockHeader,
  bytesToHex,
  canonicalHeader,
  EMPTY_MERKLE_ROOT,
  GENESIS_HEADER,
  genesisBlock,
  hashBlockHeader,
  hexToBytes,
  meetsDifficulty,
  sha256Hex,
  ZERO_HASH,
} from "../../src/services/chain/block-hash.ts";

const P = "11".repeat(32);
const M = "22".repeat(32);
const MINER = "RD0123456789abcdef0123456789abcdef012345";

const HEADER: BlockHeader = {
  height: 1,
  timestamp: 1_767_225_660_000,
  previous_hash: P,
  merkle_root: M,
  nonce: 42,
  difficulty: 2,
  miner_address: MINER,
  reward: "50.00000000",
  transaction_count: 2,
};
const HEADER_JSON =
  `{"difficulty":2,"height":1,"merkle_root":"${M}","miner_address":"${MINER}","nonce":42,` +
  `"previous_hash":"${P}","reward":"50.00000000","timestamp":1767225660000,"transaction_count":2}`;
const HEADER_HASH = "c2ef7182c8997acea49dbd0dc3e3b26de876800df4d892d17abb3007871ae1ae";
const GENESIS_HASH = "79587690266f4fcc51ade2205d169ea3da9e8506fd3368e214d4464d8aa9becd";

describe("canonicalHeader", () => {
  it("sorts keys, drops whitespace and prints integers as plain digits", () => {
    expect(canonicalHeader(HEADER)).toBe(HEADER_JSON);
  });

  it("does not depend on property insertion order", () => {
    const reversed = Object.fromEntries(Object.entries(HEADER).reverse()) as unknown as BlockHeader;
    expect(canonicalHeader(reversed)).toBe(HEADER_JSON);
  });

  it("ignores properties outside the nine hashed fields", () => {
    const row = { ...HEADER, hash: "ff".repeat(32), id: 7, created_at: new Date(0) };
    expect(canonicalHeader(row)).toBe(HEADER_JSON);
  });

  it("prints the largest safe integer without exponent", () => {
    const big = { ...HEADER, nonce: Number.MAX_SAFE_INTEGER };
    expect(canonicalHeader(big)).toContain('"nonce":9007199254740991,');
  });

  it.each<[string, Partial<Record<keyof BlockHeader, unknown>>]>([
    ["fractional timestamp", { timestamp: 1.5 }],
    ["timestamp as string", { timestamp: "2026-01-01T00:00:00Z" }],
    ["negative height", { height: -1 }],
    ["NaN nonce", { nonce: Number.NaN }],
    ["unsafe nonce", { nonce: 2 ** 53 }],
    ["difficulty 65", { difficulty: 65 }],
    ["uppercase previous_hash", { previous_hash: P.toUpperCase().replace(/1/g, "A") }],
    ["short merkle_root", { merkle_root: "ab" }],
    ["bad miner_address", { miner_address: "RDnothex" }],
    ["non-canonical reward", { reward: "50" }],
    ["9-decimal reward", { reward: "50.000000001" }],
    ["numeric reward", { reward: 50 }],
  ])("rejects %s", (_name, patch) => {
    expect(() => canonicalHeader({ ...HEADER, ...patch } as BlockHeader)).toThrow();
  });
});

describe("hashBlockHeader", () => {
  it("matches the independently computed vector", async () => {
    expect(await hashBlockHeader(HEADER)).toBe(HEADER_HASH);
  });

  it("changes when any field changes", async () => {
    const changed = await hashBlockHeader({ ...HEADER, nonce: 43 });
    expect(changed).not.toBe(HEADER_HASH);
  });
});

describe("genesis", () => {
  it("is deterministic and frozen", async () => {
    expect(Object.isFrozen(GENESIS_HEADER)).toBe(true);
    expect(GENESIS_HEADER.previous_hash).toBe(ZERO_HASH);
    expect(GENESIS_HEADER.merkle_root).toBe(EMPTY_MERKLE_ROOT);
    const g = await genesisBlock();
    expect(g.hash).toBe(GENESIS_HASH);
    expect(g.header).toEqual(GENESIS_HEADER);
    expect(canonicalHeader(g.header)).toBe(
      `{"difficulty":0,"height":0,"merkle_root":"${EMPTY_MERKLE_ROOT}","miner_address":null,"nonce":0,` +
        `"previous_hash":"${ZERO_HASH}","reward":"0.00000000","timestamp":1767225600000,"transaction_count":0}`,
    );
  });
});

describe("meetsDifficulty", () => {
  const h = "000a7541c1be3745bbfb294da8e6602419bdb41a566a605a67da55661be4b831";
  it("counts leading hex zeros", () => {
    expect(meetsDifficulty(h, 0)).toBe(true);
    expect(meetsDifficulty(h, 3)).toBe(true);
    expect(meetsDifficulty(h, 4)).toBe(false);
    expect(meetsDifficulty(ZERO_HASH, 64)).toBe(true);
  });

  it("is false for malformed hashes and throws for a bad difficulty", () => {
    expect(meetsDifficulty("000", 3)).toBe(false);
    expect(meetsDifficulty(h.toUpperCase(), 0)).toBe(false);
    expect(() => meetsDifficulty(h, 65)).toThrow(RangeError);
    expect(() => meetsDifficulty(h, 1.5)).toThrow(RangeError);
  });
});

describe("hex and sha256 helpers", () => {
  it("hashes the FIPS 180-2 'abc' vector and the empty string", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex("")).toBe(EMPTY_MERKLE_ROOT);
  });

  it("round-trips hex and rejects junk", () => {
    expect(bytesToHex(hexToBytes("00ff10ab"))).toBe("00ff10ab");
    expect(() => hexToBytes("abc")).toThrow(TypeError);
    expect(() => hexToBytes("zz")).toThrow(TypeError);
  });
});
