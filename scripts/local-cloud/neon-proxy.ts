/**
 * A local stand-in for Neon's proxy, so the Worker's `@neondatabase/serverless` code runs unchanged:
 *
 *   POST /sql              Neon's HTTP SQL protocol (what `neon()` and drizzle `neon-http` call):
 *                          one query or a batch run in one transaction, executed over a `pg` pool.
 *   GET  /v2?address=h:p   WebSocket sessions (what `Pool`/`Client` use via `neonConfig.wsProxy`):
 *                          the Postgres wire protocol, on pooled server connections like Neon's
 *                          pooled endpoint, so opening one costs no backend start and no SCRAM.
 *
 * Both keep at most 20 Postgres connections each, closed after 10 s idle: after a load run the
 * server's connection count falls back to its baseline within that time.
 *
 * Clients authenticate as on Neon (neon-proxy/credentials.ts): the user and password of `databaseUrl`
 * and an existing database, else Neon's error (28P01, 3D000), over HTTP and WebSocket alike.
 *
 * Both only ever reach the configured database server (host:port of `databaseUrl`); any other
 * target is refused, so this is not an open relay. Loopback only. Development and test tooling.
 *
 * The parts: neon-proxy/http-sql.ts (POST /sql), ws-session.ts (WebSocket sessions),
 * server-pool.ts (the server connections they borrow), wire.ts (the Postgres protocol messages),
 * pg-text.ts (JSON <-> Postgres text), target.ts (the one server it may reach).
 *
 * The response shapes follow what the driver parses (see `neon()` in the driver and Neon's
 * sql_over_http): rows as raw Postgres text (the driver applies its own type parsers), fields with
 * their type OIDs, the command tag split into `command` + `rowCount`, and Postgres errors as HTTP
 * 400 carrying the SQLSTATE and the other ErrorResponse fields, so `NeonDbError.code` matches.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { createGate } from "./neon-proxy/credentials.ts";
import { createSqlEndpoint } from "./neon-proxy/http-sql.ts";
import { createServerPool } from "./neon-proxy/server-pool.ts";
import { hostPort, parseAddress, sameTarget } from "./neon-proxy/target.ts";
import { createSessionRelay } from "./neon-proxy/ws-session.ts";

export type NeonProxy = {
  /** Base URL, e.g. http://127.0.0.1:4444 — the Worker's NEON_PROXY_URL. */
  url: string;
  /**
   * The Worker's DATABASE_URL: the backend's host, user and database with the password this proxy
   * checks (the backend's own, or LOCAL_PASSWORD when its URL has none, as with a trust login).
   */
  databaseUrl: string;
  close(): Promise<void>;
  /**
   * httpQueries: statements run via /sql; openSockets: live WebSocket sessions (back to 0 when
   * every client pool has ended); serverConnections: pooled Postgres connections behind them.
   */
  stats(): { httpQueries: number; openSockets: number; serverConnections: number };
};

export async function startNeonProxy(opts: { port?: number; databaseUrl: string }): Promise<NeonProxy> {
  const target = hostPort(opts.databaseUrl);
  const gate = createGate(opts.databaseUrl);
  const sql = createSqlEndpoint(target, gate);
  const serverPool = createServerPool(opts.databaseUrl);
  const sessions = createSessionRelay(target, serverPool, gate);

  const server = createServer((req, res) => sql.handle(req, res));

  // WebSocket relay: the driver opens ws://<wsProxy>?address=<db host>:<db port>.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const address = new URL(req.url ?? "/", "http://proxy.local").searchParams.get("address") ?? "";
    const requested = parseAddress(address);
    if (!requested || !sameTarget(requested, target)) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nthis proxy only relays to ${target.host}:${target.port}\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => sessions.relay(ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl: gate.clientUrl,
    stats: () => ({ httpQueries: sql.queries(), openSockets: sessions.open(), serverConnections: serverPool.size() }),
    async close() {
      sessions.closeAll();
      serverPool.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.close();
    },
  };
}
