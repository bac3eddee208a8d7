// Neon's proxy authenticates every client itself, before any Postgres is involved: the role must
// exist with that password, and the database must exist. The local proxy knows one role — the user
// and password of the URL it hands out (`clientUrl`) — so a wrong password, another user or a
// database that is not there is refused here with the error Neon sends, over HTTP and WebSocket
// alike, whatever the backend's own authentication (PGlite has none, CI's PostgreSQL trusts
// loopback). The proxy then reaches the backend with its own URL, never with what the client sent.
import pg from "pg";

/** Neon always has a password; a backend URL without one gets this (loopback dev tooling only). */
export const LOCAL_PASSWORD = "local-cloud";

export type Refusal = { code: string; message: string; severity: "FATAL" };
export type Credentials = { user: string; password: string | undefined; database: string };

export function createGate(backendUrl: string) {
  const backend = new URL(backendUrl);
  const user = decodeURIComponent(backend.username) || "postgres";
  const password = decodeURIComponent(backend.password) || LOCAL_PASSWORD;
  const client = new URL(backendUrl);
  client.username = encodeURIComponent(user);
  client.password = encodeURIComponent(password);
  const known = new Set<string>(); // databases seen to exist (they are never dropped under us)
  let admin: pg.Pool | undefined;

  async function exists(database: string): Promise<boolean> {
    if (known.has(database)) return true;
    if (!admin) {
      admin = new pg.Pool({ connectionString: backendUrl, max: 1, idleTimeoutMillis: 1_000 });
      admin.on("error", () => {});
    }
    const { rowCount } = await admin.query("select 1 from pg_database where datname = $1 and datallowconn", [database]);
    if (rowCount) known.add(database);
    return !!rowCount;
  }

  return {
    /** The URL clients must use: the backend's host, user and database, with the password checked here. */
    clientUrl: client.toString(),
    /** Undefined when the client may connect; else the error Neon answers with. */
    async check(given: Credentials): Promise<Refusal | undefined> {
      // Neon says the same for an unknown role as for a wrong password (and quotes with ').
      if (given.user !== user || given.password !== password)
        return { code: "28P01", message: `password authentication failed for user '${given.user}'`, severity: "FATAL" };
      if (!(await exists(given.database)))
        return { code: "3D000", message: `database "${given.database}" does not exist`, severity: "FATAL" };
      return undefined;
    },
    /** The backend URL for `database` (what the proxy itself connects with). */
    backendFor(database: string): string {
      const url = new URL(backendUrl);
      url.pathname = `/${encodeURIComponent(database)}`;
      return url.toString();
    },
    close: async () => void (await admin?.end().catch(() => {})),
  };
}

export type Gate = ReturnType<typeof createGate>;

/** user, password and database of a connection string (database defaults to the user, as in libpq). */
export function credentialsOf(connectionString: string): Credentials {
  const url = new URL(connectionString);
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || user;
  return { user, password: url.password ? decodeURIComponent(url.password) : undefined, database };
}
