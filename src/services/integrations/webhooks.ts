/**
 * Incoming webhooks: signature checks and the replay rule. Plain functions; the routes
 * (src/routes/webhooks/) decide the order and the answers.
 *
 * Signatures are checked with WebCrypto's HMAC verify, which compares in constant time, over the
 * raw bytes as received (never a re-serialised body). A delivery or event id is claimed with
 * SET NX for REPLAY_TTL_SECONDS (72 h; GitHub and Stripe retry for up to 3 days), so a replayed
 * signed request is refused even inside the signature's lifetime.
 */
import type { Redis } from "../../lib/redis.ts";

export const STRIPE_TOLERANCE_SECONDS = 5 * 60;
export const REPLAY_TTL_SECONDS = 72 * 60 * 60;

const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function hmacKey(secret: string) {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
    "sign",
  ]);
}

/** Constant-time check of a hex HMAC-SHA256 of `data` under `secret`. */
async function verifyHex(secret: string, hex: string, data: Uint8Array): Promise<boolean> {
  const signature = hexToBytes(hex);
  if (!signature) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), signature, data);
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`. */
export async function verifyGitHubSignature(
  secret: string,
  header: string | undefined,
  body: Uint8Array,
): Promise<boolean> {
  if (!header?.startsWith("sha256=")) return false;
  return verifyHex(secret, header.slice("sha256=".length), body);
}

export type StripeSignature = { timestamp: number; signatures: string[] };

/** `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`; null when malformed. */
export function parseStripeSignature(header: string | undefined): StripeSignature | null {
  if (!header || header.length > 2000) return null;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.split("=", 2).map((s) => s.trim());
    if (key === "t" && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value) signatures.push(value);
  }
  return timestamp !== undefined && signatures.length > 0 ? { timestamp, signatures } : null;
}

/** Stripe: any v1 equal to HMAC-SHA256(secret, `${t}.${raw body}`). */
export async function verifyStripeSignature(secret: string, sig: StripeSignature, body: Uint8Array): Promise<boolean> {
  const prefix = encoder.encode(`${sig.timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  let ok = false;
  // Every candidate is checked (no early exit), so timing does not tell which one matched.
  for (const candidate of sig.signatures.slice(0, 8)) ok = (await verifyHex(secret, candidate, signed)) || ok;
  return ok;
}

/** True the first time an id is seen (within REPLAY_TTL_SECONDS); false for a replay. */
export async function claimDelivery(redis: Redis, source: "github" | "stripe", id: string): Promise<boolean> {
  const result = await redis.set(`webhooks:${source}:${id}`, "1", { nx: true, ex: REPLAY_TTL_SECONDS });
  return result === "OK";
}

/** Gives a claim back (the delivery could not be recorded, so the sender's retry must be accepted). */
export async function releaseDelivery(redis: Redis, source: "github" | "stripe", id: string): Promise<void> {
  await redis.del(`webhooks:${source}:${id}`).catch(() => undefined);
}
