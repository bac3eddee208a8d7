import { sha3_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "../chain/block-hash.ts";

/**
 * The canonical form of a vault text (the original's rules): trim the whole text, CRLF (and lone
 * CR) → LF, trim each line, collapse runs of spaces inside a line to one, drop blank lines. Two
 * texts that differ only in such whitespace have the same canonical form and the same hashes.
 */
export function canonicalText(text: string): string {
  return text
    .trim()
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim().replace(/ {2,}/g, " "))
    .filter((line) => line !== "")
    .join("\n");
}

export type VaultHashes = { sha256: string; sha512: string; sha3_256: string; size: number };

/** SHA-256 and SHA-512 (WebCrypto) and SHA3-256 (FIPS 202, which WebCrypto lacks) of the UTF-8 bytes. */
export async function hashCanonical(canonical: string): Promise<VaultHashes> {
  const bytes = new TextEncoder().encode(canonical);
  const [s256, s512] = await Promise.all([
    crypto.subtle.digest("SHA-256", bytes),
    crypto.subtle.digest("SHA-512", bytes),
  ]);
  return {
    sha256: bytesToHex(new Uint8Array(s256)),
    sha512: bytesToHex(new Uint8Array(s512)),
    sha3_256: bytesToHex(sha3_256(bytes)),
    size: bytes.length,
  };
}

/** The message of an anchor transaction: what the chain stores for an entry. */
export const ANCHOR_PREFIX = "roadchain-vault-v1:sha256:";
export const anchorMessage = (sha256: string) => `${ANCHOR_PREFIX}${sha256}`;
