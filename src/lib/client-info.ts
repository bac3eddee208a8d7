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
  if (!groups) return false;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true;
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
}

export function userAgent(headers: Headers): string | null {
  const ua = headers.get("User-Agent");
  return ua ? ua.slice(0, 500) : null;
}

/** Eight 16-bit groups of an IPv6 address (`::` and an IPv4 tail expanded), or null if malformed. */
export function expandIpv6(ip: string): number[] | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(ip) || !ip.includes(":")) return null;
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    if (!IPV4.test(v4[1]!)) return null;
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/**
 * The rate-limit identity of an IP: IPv4 as is, IPv6 grouped by its /64 (one customer's
 * allocation; rotating the low 64 bits must not buy more attempts).
 */
export function ipIdentity(ip: string): string {
  const groups = ip.includes(":") ? expandIpv6(ip) : null;
  if (!groups) return ip;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
