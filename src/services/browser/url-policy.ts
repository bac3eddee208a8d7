/**
 * Which URLs the page fetcher may request on a user's behalf (SSRF guard). Pure: no I/O.
 *
 * The WHATWG URL parser has already normalised the host (decimal, hex and octal IPv4 forms such as
 * `2130706433` or `0x7f.1` become `127.0.0.1`; IPv6 is bracketed and compressed), so the checks below
 * see one canonical spelling. Host names are not resolved here: at the edge a Worker's fetch cannot
 * reach private address space, and literal addresses and the well-known internal names are refused
 * before any request leaves (docs/personal-apps.md, Browser).
 */

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const BLOCKED_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal|.*\.internal|.*\.local)$/i;

/** IPv4 ranges no page fetch may reach: [first octets as a number, prefix length, what it is]. */
const BLOCKED_V4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "this network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const v4ToInt = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function blockedV4(ip: string): string | undefined {
  const n = v4ToInt(ip);
  for (const [base, bits, what] of BLOCKED_V4) {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base);
    if (n >= start && n < start + size) return what;
  }
  return undefined;
}

/** Expands a canonical IPv6 literal (no brackets) into 8 groups. */
function v6Groups(ip: string): number[] | undefined {
  let text = ip;
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const n = v4ToInt(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function blockedV6(ip: string): string | undefined {
  const g = v6Groups(ip);
  if (!g) return "unparsable IPv6 address";
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  const embedsV4 =
    (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) ||
    (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0));
  if (embedsV4) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
    const what = blockedV4(v4);
    return what ? `${what} (IPv4 inside IPv6)` : undefined;
  }
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique local (private)";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) return "cloud metadata";
  return undefined;
}

/** Parses and checks a URL a user asked for (or a redirect's Location, resolved against `base`). */
export function checkUrl(input: string, base?: URL): UrlVerdict {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    return { ok: false, reason: "not a valid absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: `the ${url.protocol.replace(":", "")} scheme is not allowed (http and https only)` };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed" };
  const host = url.hostname.toLowerCase();
  if (host === "") return { ok: false, reason: "the URL has no host" };
  if (host.startsWith("[")) {
    const what = blockedV6(host.slice(1, -1));
    if (what) return { ok: false, reason: `the address ${host} is ${what}` };
  } else if (V4.test(host)) {
    const what = blockedV4(host);
    if (what) return { ok: false, reason: `the address ${host} is ${what}` };
  } else if (BLOCKED_NAMES.test(host.replace(/\.$/, ""))) {
    return { ok: false, reason: `the host ${host} is internal` };
  }
  url.hash = ""; // never sent anyway; kept out of history
  return { ok: true, url };
}
