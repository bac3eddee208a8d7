// Vectors computed independently with node:crypto by applying the documented rule by hand:
//   leaf_i = sha256("tx-i"); H(x, y) = sha256(x || y) on raw bytes; odd node promoted.
//   root3 = H(H(l0, l1), l2); root4 = H(H(l0, l1), H(l2, l3)).
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, sha256Hex } from "../../src/services/chain/block-hash.ts";
import { EMPTY_MERKLE_ROOT, merkleRoot } from "../../src/services/chain/merkle.ts";

const L = [
  "91f0e7159da2067f58409cc8129457d810bf124dfaa3646a4551c1ca6048362a", // sha256("tx-0")
  "045ef594d81d2f2134d61151ed71260d8f79e657c7cb6ed1d893688532017409", // sha256("tx-1")
  "0ab25f3049004ce5969100672c92a2768481db2abf7e0267a3b0828a639d5f75", // sha256("tx-2")
  "eea1ad3fbf2142ede510d0220518d902a5ba9b502851530d7fc1454f5147206c", // sha256("tx-3")
] as const;

describe("merkleRoot fixed vectors", () => {
  it("leaves are sha256 of tx-i", async () => {
    for (let i = 0; i < 4; i++) expect(await sha256Hex(`tx-${i}`)).toBe(L[i]);
  });

  it.each([
    [0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    [1, "91f0e7159da2067f58409cc8129457d810bf124dfaa3646a4551c1ca6048362a"],
    [2, "4717791403e6f4355c9153fac672884851e8d01e5459447559392b854c54255f"],
    [3, "43a00f9e43e6479c70fdcfb2e14fe1f0c30cc8cacdceef23f269cfe8bb07fa51"],
    [4, "73c3bfcd531e11c76b4b8b70753c2a515fccb9a5cca7eeefe5c4057387cffe14"],
  ])("%i leaves", async (n, root) => {
    expect(await merkleRoot(L.slice(0, n))).toBe(root);
  });

  it("empty root is sha256 of the empty string", async () => {
    expect(await merkleRoot([])).toBe(EMPTY_MERKLE_ROOT);
    expect(EMPTY_MERKLE_ROOT).toBe(await sha256Hex(""));
  });
});

describe("merkleRoot properties", () => {
  it("promotes instead of duplicating: [a,b,c] and [a,b,c,c] differ", async () => {
    const three = await merkleRoot(L.slice(0, 3));
    const dup = await merkleRoot([...L.slice(0, 3), L[2]]);
    expect(dup).not.toBe(three);
  });

  it("depends on leaf order", async () => {
    expect(await merkleRoot([L[1], L[0]])).not.toBe(await merkleRoot([L[0], L[1]]));
  });

  it("has the RFC 6962 tree shape (largest power of two split) for 1..33 leaves", async () => {
    const leaves = await Promise.all(Array.from({ length: 33 }, (_, i) => sha256Hex(`leaf-${i}`)));
    for (let n = 1; n <= leaves.length; n++) {
      expect(await merkleRoot(leaves.slice(0, n))).toBe(await rfc6962Shape(leaves.slice(0, n)));
    }
  });

  it("rejects malformed leaves", async () => {
    await expect(merkleRoot(["abc"])).rejects.toThrow(TypeError);
    await expect(merkleRoot([L[0].toUpperCase()])).rejects.toThrow(TypeError);
    await expect(merkleRoot([L[0], "zz".repeat(32)])).rejects.toThrow(TypeError);
  });
});

// Reference: RFC 6962 §2.1 recursion, without its 0x00/0x01 domain prefixes.
async function rfc6962Shape(leaves: string[]): Promise<string> {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const left = hexToBytes(await rfc6962Shape(leaves.slice(0, k)));
  const right = hexToBytes(await rfc6962Shape(leaves.slice(k)));
  const joined = new Uint8Array(64);
  joined.set(left, 0);
  joined.set(right, 32);
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", joined)));
}
