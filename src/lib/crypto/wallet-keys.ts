// RoadChain wallet keys: Ed25519 key pairs whose private half is stored encrypted.
//
// Address      = "RD" + first 38 lowercase hex chars of SHA-256(raw 32-byte public key).
// Public key   = base64url (no padding) of the raw 32 bytes.
// Stored key   = "v1.<iv>.<ciphertext>", both base64url: AES-256-GCM (12-byte random IV,
//                128-bit tag appended to the ciphertext) of the PKCS#8 private key.
// AES key      = HKDF-SHA-256(ikm = UTF-8(WALLET_MASTER_KEY), salt = UTF-8(HKDF_SALT),
//                info = UTF-8("roadchain-wallet-v1")), 256 bits.
// AAD          = UTF-8("roadchain-wallet-v1:" + address), so a ciphertext copied onto another
//                wallet row fails to decrypt instead of signing for the wrong address.
// Signatures   = base64url Ed25519 over the UTF-8 bytes of the payload string.

const VERSION = "v1";
const HKDF_SALT = "blackroad-edge-api/wallet-key-encryption";
const HKDF_INFO = "roadchain-wallet-v1";
const AAD_PREFIX = "roadchain-wallet-v1:";
const MIN_MASTER_KEY_LENGTH = 32;
const ADDRESS_RE = /^RD[0-9a-f]{38}$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

const encoder = new TextEncoder();

export type WalletKeyErrorCode = "weak_master_key" | "malformed" | "decrypt_failed";

export class WalletKeyError extends Error {
  readonly code: WalletKeyErrorCode;
  constructor(code: WalletKeyErrorCode, message: string) {
    super(message);
    this.name = "WalletKeyError";
    this.code = code;
  }
}

export interface GeneratedWallet {
  address: string;
  publicKey: string;
  encryptedPrivateKey: string;
}

export function isValidAddress(s: unknown): s is string {
  return typeof s === "string" && ADDRESS_RE.test(s);
}

export async function addressFromPublicKey(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", rawPublicKey));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return `RD${hex.slice(0, 38)}`;
}

export async function generateWallet(masterKey: string): Promise<GeneratedWallet> {
  const aesKey = await walletEncryptionKey(masterKey);
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  if (!isKeyPair(pair)) throw new Error("Ed25519 generateKey returned a single key");
  const rawPublic = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const address = await addressFromPublicKey(rawPublic);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(address) }, aesKey, pkcs8);
  pkcs8.fill(0); // best effort; the exported ArrayBuffer is ours to wipe
  return {
    address,
    publicKey: toBase64Url(rawPublic),
    encryptedPrivateKey: `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`,
  };
}

/**
 * Decrypts the wallet's key and signs `payload`. Throws WalletKeyError("decrypt_failed") for a
 * wrong master key, a tampered ciphertext or a ciphertext that belongs to another address.
 */
export async function signWithWallet(
  encryptedPrivateKey: string,
  address: string,
  masterKey: string,
  payload: string,
): Promise<string> {
  if (!isValidAddress(address)) throw new WalletKeyError("malformed", "invalid wallet address");
  const parts = typeof encryptedPrivateKey === "string" ? encryptedPrivateKey.split(".") : [];
  const iv = parts.length === 3 && parts[0] === VERSION ? fromBase64Url(parts[1]!) : null;
  const ciphertext = iv ? fromBase64Url(parts[2]!) : null;
  if (iv?.length !== 12 || !ciphertext || ciphertext.length < 17) {
    throw new WalletKeyError("malformed", "encrypted private key is not in v1.<iv>.<ciphertext> form");
  }
  const aesKey = await walletEncryptionKey(masterKey);
  let pkcs8: Uint8Array<ArrayBuffer>;
  try {
    pkcs8 = new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad(address) }, aesKey, ciphertext),
    );
  } catch {
    throw new WalletKeyError("decrypt_failed", "wallet key could not be decrypted");
  }
  const signingKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  pkcs8.fill(0);
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, signingKey, encoder.encode(payload));
  return toBase64Url(new Uint8Array(signature));
}

/** Never throws: malformed keys, signatures or payloads all give false. */
export async function verifyWalletSignature(publicKey: string, payload: string, signature: string): Promise<boolean> {
  try {
    // Length checks first so junk of any size costs nothing (32 bytes → 43, 64 → 86 chars).
    if (typeof payload !== "string" || publicKey?.length !== 43 || signature?.length !== 86) return false;
    const raw = typeof publicKey === "string" ? fromBase64Url(publicKey) : null;
    const sig = typeof signature === "string" ? fromBase64Url(signature) : null;
    if (raw?.length !== 32 || !sig || sig.length !== 64) return false;
    const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, sig, encoder.encode(payload));
  } catch {
    return false;
  }
}

// Derived AES keys are cached per isolate: the master key is fixed for the isolate's life and
// HKDF costs two WebCrypto round trips per request otherwise. The cache holds the promise, so
// concurrent first requests share one derivation. It is keyed by the master key itself (already
// in isolate memory via env) and capped so rotations or tests cannot grow it without bound.
const derivedKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 4;

function walletEncryptionKey(masterKey: string): Promise<CryptoKey> {
  if (typeof masterKey !== "string" || masterKey.length < MIN_MASTER_KEY_LENGTH) {
    return Promise.reject(
      new WalletKeyError("weak_master_key", `WALLET_MASTER_KEY must be at least ${MIN_MASTER_KEY_LENGTH} characters`),
    );
  }
  let key = derivedKeys.get(masterKey);
  if (!key) {
    if (derivedKeys.size >= MAX_CACHED_KEYS) derivedKeys.clear();
    key = deriveKey(masterKey);
    derivedKeys.set(masterKey, key);
    key.catch(() => derivedKeys.delete(masterKey));
  }
  return key;
}

async function deriveKey(masterKey: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(masterKey), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode(HKDF_SALT), info: encoder.encode(HKDF_INFO) },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

// generateKey's return type differs between @types/node and workerd's types; check at runtime.
function isKeyPair(k: object): k is { publicKey: CryptoKey; privateKey: CryptoKey } {
  return "publicKey" in k && "privateKey" in k;
}

function aad(address: string) {
  return encoder.encode(AAD_PREFIX + address);
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// Strict: rejects padding, foreign characters and non-canonical trailing bits, so each byte
// string has exactly one accepted encoding (no signature malleability through the encoding).
function fromBase64Url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!B64URL_RE.test(s) || s.length % 4 === 1) return null;
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return toBase64Url(out) === s ? out : null;
}
