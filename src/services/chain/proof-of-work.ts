// Proof of work: find the first nonce (counting up from startNonce) whose header hash
// (see block-hash.ts) starts with `difficulty` hex zeros.
//
// Why this is fast and still exactly SHA-256(canonicalHeader(header)):
// * JCS orders members by key name only, so the nonce member sits at the same place for every
//   nonce: canonical = PREFIX + digits(nonce) + SUFFIX, where PREFIX ends with `"nonce":` and
//   SUFFIX starts with `,"previous_hash"`. JCS prints a number with ECMAScript
//   Number::toString, which for a non-negative safe integer is its plain decimal digits, the
//   same text String(nonce) gives. Every other field is validated ASCII, so UTF-8 bytes equal
//   the char codes. The tests compare this against canonicalHeader() for many nonces.
// * SHA-256 is a chain over 64-byte blocks, so the state after the blocks fully inside PREFIX
//   (the "midstate") is computed once. Tail blocks that hold no nonce digit have a constant
//   message schedule, which is also computed once. Per nonce only the block(s) holding the
//   digits are expanded, then every tail block runs its 64 rounds.
// * crypto.subtle.digest costs a promise round trip per call; a synchronous pure-JS loop is
//   several times faster (numbers: bench/mining-loop.ts). The winning hash is re-checked with
//   crypto.subtle before it is returned, so a bug here cannot yield an invalid block.
// The loop does not yield: it blocks the isolate for up to maxIterations hashes.
import { type BlockHeader, canonicalHeader, hashBlockHeader, requireDifficulty, toBlockHeader } from "./block-hash.ts";

export type MiningTemplate = Omit<BlockHeader, "nonce" | "difficulty"> & { difficulty?: number };

export interface MiningOptions {
  /** Hashes to try before giving up; default 5,000,000 (~76× the expected work at difficulty 4). */
  maxIterations?: number;
  startNonce?: number;
}

export interface MiningResult {
  nonce: number;
  hash: string;
  attempts: number;
  header: BlockHeader;
}

export const DEFAULT_MAX_ITERATIONS = 5_000_000;

export class MiningLimitError extends Error {
  readonly code = "mining_limit_exceeded";
  readonly attempts: number;
  /** Pass as startNonce to continue where this search stopped. */
  readonly nextNonce: number;
  constructor(attempts: number, nextNonce: number) {
    super(`No nonce found within ${attempts} attempts`);
    this.name = "MiningLimitError";
    this.attempts = attempts;
    this.nextNonce = nextNonce;
  }
}

export interface NonceHasher {
  header(nonce: number): BlockHeader;
  /** Canonical JSON built from the cached prefix/suffix (equals canonicalHeader(header(nonce))). */
  canonical(nonce: number): string;
  /** SHA-256 hex via the midstate fast path. */
  hash(nonce: number): string;
  /** First nonce in [start, start + count) meeting the difficulty, or null. */
  search(start: number, count: number): number | null;
}

export async function mineHeader(
  template: MiningTemplate,
  difficulty: number,
  opts: MiningOptions = {},
): Promise<MiningResult> {
  const start = opts.startNonce ?? 0;
  const max = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError("maxIterations must be a positive integer");
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError("startNonce must be a non-negative integer");
  // nextNonce (start + max) must stay exact so a MiningLimitError can be resumed.
  if (!Number.isSafeInteger(start + max)) throw new RangeError("nonce range exceeds safe integers");
  const hasher = createNonceHasher(template, difficulty);
  const nonce = hasher.search(start, max);
  if (nonce === null) throw new MiningLimitError(max, start + max);
  const header = hasher.header(nonce);
  const hash = await hashBlockHeader(header);
  if (hash !== hasher.hash(nonce)) throw new Error("proof-of-work: fast path disagrees with crypto.subtle");
  return { nonce, hash, attempts: nonce - start + 1, header };
}

export function createNonceHasher(template: MiningTemplate, difficulty: number): NonceHasher {
  requireDifficulty(difficulty);
  if (template.difficulty !== undefined && template.difficulty !== difficulty) {
    throw new RangeError("template.difficulty differs from the difficulty argument");
  }
  const header = (nonce: number): BlockHeader => toBlockHeader({ ...template, difficulty, nonce });
  const text = canonicalHeader(header(0)); // validates every field
  const marker = ',"nonce":0,';
  const at = text.indexOf(marker);
  if (at < 0 || text.indexOf(marker, at + 1) >= 0) throw new Error("proof-of-work: nonce not found in canonical JSON");
  const prefixText = text.slice(0, at + marker.length - 2); // ends with `"nonce":`
  const suffixText = text.slice(at + marker.length - 1); // starts with `,"previous_hash"`
  const prefix = ascii(prefixText);
  const suffix = ascii(suffixText);

  // Midstate over the whole 64-byte blocks of the prefix.
  const fullBlocks = Math.floor(prefix.length / 64);
  const mid = Int32Array.from(IV);
  for (let b = 0; b < fullBlocks; b++) {
    expand(prefix, b * 64, W);
    compress(mid, W);
  }
  const rest = prefix.subarray(fullBlocks * 64);
  const digits = new Uint8Array(16); // ASCII digits of the current nonce
  let layout = makeLayout(rest, suffix, prefix.length, 1);

  const state = new Int32Array(8);

  function hashState(digitCount: number): void {
    if (layout.digitCount !== digitCount) layout = makeLayout(rest, suffix, prefix.length, digitCount);
    const { tail, schedules, firstDynamic, lastDynamic } = layout;
    for (let i = 0, o = rest.length, d = 16 - digitCount; i < digitCount; i++) tail[o + i] = digits[d + i]!;
    state.set(mid);
    for (let b = 0; b < schedules.length; b++) {
      if (b >= firstDynamic && b <= lastDynamic) {
        expand(tail, b * 64, W);
        compress(state, W);
      } else {
        compress(state, schedules[b]!);
      }
    }
  }

  function setDigits(nonce: number): number {
    if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError("nonce must be a non-negative safe integer");
    const s = String(nonce);
    for (let i = 0; i < s.length; i++) digits[16 - s.length + i] = s.charCodeAt(i);
    return s.length;
  }

  return {
    header,
    canonical: (nonce) => prefixText + String(nonce) + suffixText,
    hash(nonce) {
      hashState(setDigits(nonce));
      return stateHex(state);
    },
    search(start, count) {
      let len = setDigits(start);
      for (let i = 0; i < count; i++) {
        hashState(len);
        if (stateMeetsDifficulty(state, difficulty)) return start + i;
        len = incrementDigits(digits, len);
      }
      return null;
    },
  };
}

/** Leading-hex-zero test on the raw SHA-256 state words, without building the hex string. */
export function stateMeetsDifficulty(state: Int32Array, difficulty: number): boolean {
  const zeroWords = difficulty >>> 3;
  for (let w = 0; w < zeroWords; w++) if (state[w] !== 0) return false;
  const bits = 4 * (difficulty & 7); // top bits of the next word that must be 0
  return bits === 0 || state[zeroWords]! >>> (32 - bits) === 0;
}

interface Layout {
  digitCount: number;
  tail: Uint8Array; // prefix rest + digits + suffix + SHA-256 padding
  schedules: Int32Array[]; // precomputed message schedule per tail block
  firstDynamic: number; // tail blocks that hold nonce digits
  lastDynamic: number;
}

function makeLayout(rest: Uint8Array, suffix: Uint8Array, prefixLen: number, digitCount: number): Layout {
  const dataLen = rest.length + digitCount + suffix.length;
  const tailLen = Math.ceil((dataLen + 9) / 64) * 64;
  const tail = new Uint8Array(tailLen);
  tail.set(rest, 0);
  tail.set(suffix, rest.length + digitCount);
  tail[dataLen] = 0x80;
  const bitLen = (prefixLen + digitCount + suffix.length) * 8; // < 2^32 bits for any header
  new DataView(tail.buffer).setUint32(tailLen - 4, bitLen);
  const schedules: Int32Array[] = [];
  for (let o = 0; o < tailLen; o += 64) {
    const w = new Int32Array(64);
    expand(tail, o, w);
    schedules.push(w);
  }
  return {
    digitCount,
    tail,
    schedules,
    firstDynamic: Math.floor(rest.length / 64),
    lastDynamic: Math.floor((rest.length + digitCount - 1) / 64),
  };
}

// In-place ASCII increment of the right-aligned digits; returns the new digit count.
function incrementDigits(d: Uint8Array, len: number): number {
  for (let i = 15; i >= 16 - len; i--) {
    if (d[i] !== 57) {
      d[i]!++;
      return len;
    }
    d[i] = 48;
  }
  d[15 - len] = 49; // 999 → 1000
  return len + 1;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new Error("proof-of-work: canonical header must be ASCII");
    out[i] = c;
  }
  return out;
}

function stateHex(s: Int32Array): string {
  let out = "";
  for (let i = 0; i < 8; i++) out += (s[i]! >>> 0).toString(16).padStart(8, "0");
  return out;
}

// ---- SHA-256 (FIPS 180-4) compression, written for V8: int32 locals, reused arrays ----

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const W = new Int32Array(64);

function expand(block: Uint8Array, o: number, w: Int32Array): void {
  for (let i = 0; i < 16; i++, o += 4) {
    w[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
}

function compress(s: Int32Array, w: Int32Array): void {
  let a = s[0]!,
    b = s[1]!,
    c = s[2]!,
    d = s[3]!,
    e = s[4]!,
    f = s[5]!,
    g = s[6]!,
    h = s[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
  s[4] = (s[4]! + e) | 0;
  s[5] = (s[5]! + f) | 0;
  s[6] = (s[6]! + g) | 0;
  s[7] = (s[7]! + h) | 0;
}
