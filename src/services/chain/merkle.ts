// RoadChain merkle root. Exact rule (published in docs/roadchain.md for third-party re-verification):
//
//   1. Leaves are the transaction hashes in block order, each 64 lowercase hex chars decoded
//      to its 32 raw bytes. Leaves are NOT hashed again.
//   2. Build the tree level by level. Adjacent nodes are paired left to right and each pair
//      becomes SHA-256(left || right) over the 64 concatenated raw bytes.
//   3. An odd node at the end of a level is PROMOTED unchanged to the next level. It is never
//      duplicated: Bitcoin's duplication makes [a,b,c] and [a,b,c,c] share a root
//      (CVE-2012-2459). Promotion gives the same tree shape as RFC 6962 §2.1 (split at the
//      largest power of two below n), minus RFC 6962's 0x00/0x01 prefixes.
//   4. Zero leaves → SHA-256 of the empty byte string (e3b0c442…b855).
//      One leaf → that leaf itself.
//   The root is lowercase hex. The header also carries transaction_count, which pins the
//   number of leaves, so a subtree root cannot be passed off as a shorter leaf list.
import { bytesToHex, EMPTY_MERKLE_ROOT, hexToBytes, isHash } from "./block-hash.ts";

export { EMPTY_MERKLE_ROOT };

export async function merkleRoot(txHashes: readonly string[]): Promise<string> {
  if (txHashes.length === 0) return EMPTY_MERKLE_ROOT;
  let level: Uint8Array<ArrayBuffer>[] = txHashes.map((h, i) => {
    if (!isHash(h)) throw new TypeError(`txHashes[${i}] must be 64 lowercase hex chars`);
    return hexToBytes(h);
  });
  while (level.length > 1) {
    const pairs: Promise<Uint8Array<ArrayBuffer>>[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      pairs.push(right === undefined ? Promise.resolve(left) : hashPair(left, right));
    }
    level = await Promise.all(pairs);
  }
  return bytesToHex(level[0]!);
}

async function hashPair(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const buf = new Uint8Array(64);
  buf.set(left, 0);
  buf.set(right, 32);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
}
