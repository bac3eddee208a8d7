// Canonical RoadChain transaction payload: what the sender's wallet signs and what the
// transaction hash (the merkle leaf) commits to.
//
// Rule (published in the README): the payload is the RFC 8785 (JCS) serialisation of
//   { amount, domain: "roadchain-tx-v1", fee, from_address, message, nonce, timestamp, to_address }
// with amount and fee as exact 8-decimal strings ("10.00000000"), message a string or null,
// timestamp integer ms since the epoch and nonce an opaque per-transaction string (use
// crypto.randomUUID()) so two otherwise identical transfers in the same ms hash differently.
// hash = lowercase hex SHA-256 of the payload's UTF-8 bytes; the signature is Ed25519 over the
// same bytes. The constant domain field keeps a transfer signature from being valid for any
// other message a wallet key might ever sign.
import canonicalize from "canonicalize";
import { isValidAddress } from "../../lib/crypto/wallet-keys.ts";
import { normalizeAmount } from "./amount.ts";
import { sha256Hex } from "./block-hash.ts";

export const TX_DOMAIN = "roadchain-tx-v1";
const NONCE_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface TransactionPayload {
  from_address: string;
  to_address: string;
  /** Decimal string; normalised to 8 decimals before hashing ("10" → "10.00000000"). */
  amount: string;
  fee: string;
  message: string | null;
  /** Integer milliseconds since the Unix epoch (UTC). */
  timestamp: number;
  nonce: string;
}

/** The exact string that is signed and hashed. Throws TypeError/AmountError on bad fields. */
export function transactionSigningPayload(tx: TransactionPayload): string {
  if (!isValidAddress(tx.from_address)) throw new TypeError("from_address is not a wallet address");
  if (!isValidAddress(tx.to_address)) throw new TypeError("to_address is not a wallet address");
  if (tx.message !== null && typeof tx.message !== "string") throw new TypeError("message must be a string or null");
  if (!Number.isSafeInteger(tx.timestamp) || tx.timestamp < 0) {
    throw new TypeError("timestamp must be non-negative integer milliseconds");
  }
  if (typeof tx.nonce !== "string" || !NONCE_RE.test(tx.nonce)) {
    throw new TypeError("nonce must be 1–64 chars of [A-Za-z0-9_-]");
  }
  // Fields are copied by name: extra properties (id, signature, DB columns) never leak in.
  const text = canonicalize({
    amount: normalizeAmount(tx.amount),
    domain: TX_DOMAIN,
    fee: normalizeAmount(tx.fee),
    from_address: tx.from_address,
    message: tx.message,
    nonce: tx.nonce,
    timestamp: tx.timestamp,
    to_address: tx.to_address,
  });
  if (text === undefined) throw new TypeError("transaction is not serialisable");
  return text;
}

export async function hashTransaction(tx: TransactionPayload): Promise<string> {
  return sha256Hex(transactionSigningPayload(tx));
}
