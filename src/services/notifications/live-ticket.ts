/**
 * A browser cannot put an Authorization header on a WebSocket, so the live feed is opened with a
 * short-lived ticket: `<user id>.<expiry, unix s>.<HMAC-SHA256>` (key: SECRET_KEY under its own
 * label), fetched with the bearer token just before connecting. It names one user and lasts 60 s.
 */
const LABEL = "blackroad-notifications-ticket-v1";
export const TICKET_SECONDS = 60;
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string) {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`${LABEL}:${secret}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, k);
  }
  return k;
}

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");

export async function issueTicket(secret: string, userId: number, now = Date.now()): Promise<string> {
  const body = `${userId}.${Math.floor(now / 1000) + TICKET_SECONDS}`;
  return `${body}.${hex(await crypto.subtle.sign("HMAC", await key(secret), new TextEncoder().encode(body)))}`;
}

/** The user a valid, unexpired ticket names; undefined otherwise. */
export async function checkTicket(secret: string, ticket: string, now = Date.now()): Promise<number | undefined> {
  const m = /^([1-9]\d{0,9})\.(\d{1,12})\.([0-9a-f]{64})$/.exec(ticket);
  if (!m) return undefined;
  const mac = Uint8Array.from(m[3]!.match(/../g)!.map((h) => parseInt(h, 16)));
  const ok = await crypto.subtle.verify("HMAC", await key(secret), mac, new TextEncoder().encode(`${m[1]}.${m[2]}`));
  return ok && Number(m[2]) * 1000 > now ? Number(m[1]) : undefined;
}
