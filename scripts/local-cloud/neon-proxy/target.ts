// The one database server the proxy reaches (host:port of its databaseUrl): anything else is
// refused, so the proxy is not an open relay.
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export type Target = { host: string; port: number };

export function hostPort(url: string): Target {
  const u = new URL(url);
  return { host: u.hostname, port: u.port ? Number(u.port) : 5432 };
}

export function parseAddress(address: string): Target | undefined {
  const m = /^(.+):(\d+)$/.exec(address);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

export function sameTarget(a: Target, b: Target) {
  const norm = (h: string) => (LOOPBACK.has(h.toLowerCase()) ? "loopback" : h.toLowerCase());
  return a.port === b.port && norm(a.host) === norm(b.host);
}
