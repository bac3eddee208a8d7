/**
 * Who is calling, as far as the edge can tell. The client IP comes ONLY from `CF-Connecting-IP`,
 * which Cloudflare sets and overwrites at the edge; `X-Forwarded-For` / `X-Real-IP` are
 * client-controlled and never read (ASVS 4.1.3). Locally (dev, tests) the header may be absent.
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function clientIp(headers: Headers): string | null {
  const raw = headers.get("CF-Connecting-IP")?.trim();
  if (!raw || raw.length > 45) return null;
  if (IPV4.test(raw)) return raw;
  return expandIpv6(raw) ? raw.toLowerCase() : null;
}

/** 127.0.0.0/8 or ::1 (also as ::ffff:127.x.x.x): what `wrangler dev` reports for local clients. */
export function isLoopback(ip: string): boolean {
  if (IPV4.test(ip)) return ip.startsWith("127.");
  const groups = expandIpv6(ip);
  return groups ? isLoopbackGroups(groups) : false;
}

const isLoopbackGroups = (g: number[]) =>
  g[0] === 0 &&
  g[1] === 0 &&
  g[2] === 0 &&
  g[3] === 0 &&
  g[4] === 0 &&
  ((g[5] === 0 && g[6] === 0 && g[7] === 1) || (g[5] === 0xffff && g[6]! >> 8 === 127));

/** The caller as the rate limits see it: its address, whether it is loopback, its limit identity. */
export type ClientAddress = { ip: string; loopback: boolean; identity: string };

/**
 * `clientIp`, `isLoopback` and `ipIdentity` in one pass over `CF-Connecting-IP` (an IPv6 address is
 * parsed once, not three times): what the rate limiter needs for every `/api` request.
 */
export function clientAddress(headers: Headers): ClientAddress | null {
  const raw = headers.get("CF-Connecting-IP")?.trim();
  if (!raw || raw.length > 45) return null;
  if (IPV4.test(raw)) return { ip: raw, loopback: raw.startsWith("127."), identity: raw };
  const groups = expandIpv6(raw);
  if (!groups) return null;
  return { ip: raw.toLowerCase(), loopback: isLoopbackGroups(groups), identity: slash64(groups) };
}

export function userAgent(headers: Headers): string | null {
  const ua = headers.get("User-Agent");
  return ua ? ua.slice(0, 500) : null;
}

const COLON = 58;
const DOT = 46;
/** Value of a hexadecimal digit's char code, or -1. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Eight 16-bit groups of an IPv6 address (`::` and an IPv4 tail expanded), or null if malformed.
 * One pass over the characters (no regular expressions or intermediate arrays but the result): every
 * limited request from an IPv6 client parses its address.
 */
export function expandIpv6(ip: string): number[] | null {
  const n = ip.length;
  const head: number[] = [];
  let tail: number[] | undefined; // the groups after `::`, once there is one
  let i = 0;
  if (ip.charCodeAt(0) === COLON) {
    if (ip.charCodeAt(1) !== COLON) return null;
    tail = [];
    i = 2;
  }
  while (i < n) {
    const groups = tail ?? head;
    const start = i;
    let value = 0;
    for (let d = hexDigit(ip.charCodeAt(i)); d >= 0 && i < n; d = hexDigit(ip.charCodeAt(++i))) value = value * 16 + d;
    if (ip.charCodeAt(i) === DOT) {
      // An IPv4 tail (`::ffff:192.0.2.1`): the rest of the text, two groups.
      const v4 = ip.slice(start);
      if (!IPV4.test(v4)) return null;
      const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
      groups.push((a << 8) | b, (c << 8) | d);
      break;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4) return null;
    groups.push(value);
    if (i === n) break;
    if (ip.charCodeAt(i) !== COLON) return null;
    i++;
    if (ip.charCodeAt(i) === COLON) {
      if (tail) return null; // a second `::`
      tail = [];
      i++;
    } else if (i === n) return null; // a lone trailing `:`
  }
  const count = head.length + (tail?.length ?? 0);
  if (tail ? count > 7 : count !== 8) return null;
  if (!tail) return head;
  while (head.length + tail.length < 8) head.push(0);
  for (const g of tail) head.push(g);
  return head;
}

/** `2001:db8:1:2::/64`: the first four groups, lower-case hex without leading zeros. */
const slash64 = (g: number[]) =>
  `${g[0]!.toString(16)}:${g[1]!.toString(16)}:${g[2]!.toString(16)}:${g[3]!.toString(16)}::/64`;

/**
 * The rate-limit identity of an IP: IPv4 as is, IPv6 grouped by its /64 (one customer's
 * allocation; rotating the low 64 bits must not buy more attempts).
 */
export function ipIdentity(ip: string): string {
  const groups = ip.includes(":") ? expandIpv6(ip) : null;
  return groups ? slash64(groups) : ip;
}
