// RoadChain block header and its hash.
//
// Rule (published in docs/roadchain.md so anyone can re-verify a block):
//   hash = lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785 (JCS) serialisation of
//   exactly these nine fields: difficulty, height, merkle_root, miner_address, nonce,
//   previous_hash, reward, timestamp, transaction_count. Any other property is ignored.
// Numbers are integers (timestamp = ms since the Unix epoch, never a Date string: Postgres
// timestamptz keeps µs, JS keeps ms, and the original's str(datetime) could not be
// reproduced from its own DB). reward is an exact decimal string with 8 decimals, because
// JCS would print a float like 50 as "50" and 0.1+0.2 as "0.30000000000000004".
import canonicalize from "canonicalize";
import { isValidAddress } from "../../lib/crypto/wallet-keys.ts";
import { formatAmount, safeParseAmount } from "./amount.ts";

export interface BlockHeader {
  height: number;
  /** Integer milliseconds since the Unix epoch (UTC). */
  timestamp: number;
  previous_hash: string;
  merkle_root: string;
  nonce: number;
  /** Required number of leading hex "0" characters in the hash (0–64). */
  difficulty: number;
  /** null only for the genesis block. */
  miner_address: string | null;
  /** Exact decimal string with 8 decimals, e.g. "50.00000000". */
  reward: string;
  transaction_count: number;
}

export const ZERO_HASH = "0".repeat(64);
/** SHA-256 of the empty byte string: the merkle root of a block without transactions. */
export const EMPTY_MERKLE_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
export const MAX_DIFFICULTY = 64;

/** 2026-01-01T00:00:00.000Z; fixed so every deployment derives the same genesis hash. */
const GENESIS_TIMESTAMP = 1_767_225_600_000;

export const GENESIS_HEADER: Readonly<BlockHeader> = Object.freeze({
  height: 0,
  timestamp: GENESIS_TIMESTAMP,
  previous_hash: ZERO_HASH,
  merkle_root: EMPTY_MERKLE_ROOT,
  nonce: 0,
  difficulty: 0,
  miner_address: null,
  reward: "0.00000000",
  transaction_count: 0,
});

const HASH_RE = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

export function isHash(s: unknown): s is string {
  return typeof s === "string" && HASH_RE.test(s);
}

/**
 * Validates and copies exactly the hashed fields. Throws TypeError on anything that would
 * make the hash ambiguous or impossible to recompute from stored rows.
 */
export function toBlockHeader(h: BlockHeader): BlockHeader {
  requireUint(h.height, "height");
  requireUint(h.timestamp, "timestamp");
  requireUint(h.nonce, "nonce");
  requireUint(h.transaction_count, "transaction_count");
  requireDifficulty(h.difficulty);
  if (!isHash(h.previous_hash)) throw new TypeError("previous_hash must be 64 lowercase hex chars");
  if (!isHash(h.merkle_root)) throw new TypeError("merkle_root must be 64 lowercase hex chars");
  if (h.miner_address !== null && !isValidAddress(h.miner_address)) {
    throw new TypeError("miner_address must be a wallet address or null");
  }
  // Must already be canonical: "50" and "50.00000000" would hash differently.
  const r = typeof h.reward === "string" ? safeParseAmount(h.reward) : null;
  if (!r?.ok || formatAmount(r.units) !== h.reward) {
    throw new TypeError('reward must be a decimal string with exactly 8 decimals, e.g. "50.00000000"');
  }
  return {
    height: h.height,
    timestamp: h.timestamp,
    previous_hash: h.previous_hash,
    merkle_root: h.merkle_root,
    nonce: h.nonce,
    difficulty: h.difficulty,
    miner_address: h.miner_address,
    reward: h.reward,
    transaction_count: h.transaction_count,
  };
}

/** RFC 8785 canonical JSON of the header (keys sorted, no whitespace). */
export function canonicalHeader(header: BlockHeader): string {
  const text = canonicalize(toBlockHeader(header));
  if (text === undefined) throw new TypeError("header is not serialisable");
  return text;
}

export async function hashBlockHeader(header: BlockHeader): Promise<string> {
  return sha256Hex(canonicalHeader(header));
}

/** True when `hash` is a well-formed hash starting with `difficulty` hex zeros. */
export function meetsDifficulty(hash: string, difficulty: number): boolean {
  requireDifficulty(difficulty);
  if (!isHash(hash)) return false;
  for (let i = 0; i < difficulty; i++) if (hash.charCodeAt(i) !== 48) return false;
  return true;
}

export async function genesisBlock(): Promise<{ header: BlockHeader; hash: string }> {
  const header = { ...GENESIS_HEADER };
  return { header, hash: await hashBlockHeader(header) };
}

export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16);
  return out;
}

/** Lowercase or uppercase hex → bytes; throws on odd length or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError("invalid hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function requireDifficulty(d: number): void {
  if (!Number.isInteger(d) || d < 0 || d > MAX_DIFFICULTY) {
    throw new RangeError(`difficulty must be an integer 0–${MAX_DIFFICULTY}`);
  }
}

function requireUint(n: unknown, name: string): void {
  // Safe integers only: JCS prints them as plain digits, and they survive a bigint column.
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`${name} must be a non-negative safe integer`);
  }
}
