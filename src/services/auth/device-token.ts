/**
 * Device tokens (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a successful login
 * gives the device a token naming the account; a later login presenting it is judged by that
 * device's own failure budget instead of the account's. So anyone may still spend an account's
 * budget from rotating addresses (the lock-out that stops strangers stays), but the owner, from a
 * device that signed in before, is not locked out by them.
 *
 * Format: `d1.<user id>.<nonce>.<mac>`, mac = base64url(HMAC-SHA256(key, "d1.<user id>.<nonce>")),
 * key derived from SECRET_KEY for this purpose only. Nothing is stored: a token is as good as its
 * MAC; a token that fails too often locks out on its own (`login-device:<nonce>`).
 * Sent by browsers as the `br_device` cookie (HttpOnly, Secure, SameSite=Strict, path
 * /api/auth/login), by other clients as the `X-Device-Token` header.
 */
export const DEVICE_COOKIE = "br_device";
export const DEVICE_HEADER = "X-Device-Token";
export const DEVICE_TOKEN_MAX_AGE_SECONDS = 180 * 24 * 3600;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function macKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("blackroad device token v1") },
        base,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign", "verify"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function fromB64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  const bin = atob(`${text.replace(/-/g, "+").replace(/_/g, "/")}=`);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export async function issueDeviceToken(secret: string, userId: number): Promise<string> {
  const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const body = `d1.${userId}.${nonce}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(secret), encoder.encode(body)));
  return `${body}.${b64url(mac)}`;
}

/** The device's throttle identity when `token` is a genuine device token of `userId`, else null. */
export async function trustedDevice(secret: string, token: string | undefined, userId: number): Promise<string | null> {
  if (!token || token.length > 200) return null;
  const m = /^d1\.([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || Number(m[1]) !== userId) return null;
  const mac = fromB64url(m[3]!);
  if (!mac) return null;
  const ok = await crypto.subtle.verify("HMAC", await macKey(secret), mac, encoder.encode(`d1.${m[1]}.${m[2]}`));
  return ok ? `login-device:${m[2]}` : null;
}

/** The `Set-Cookie` value for a new device token. */
export function deviceCookie(token: string): string {
  return `${DEVICE_COOKIE}=${token}; Path=/api/auth/login; Max-Age=${DEVICE_TOKEN_MAX_AGE_SECONDS}; HttpOnly; Secure; SameSite=Strict`;
}

/** The device token a request presents: the header wins over the cookie. */
export function presentedDeviceToken(headers: Headers): string | undefined {
  const header = headers.get(DEVICE_HEADER);
  if (header) return header.trim();
  const cookie = headers.get("Cookie");
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === DEVICE_COOKIE) return rest.join("=");
  }
  return undefined;
}
