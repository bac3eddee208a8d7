// GET /v2?address=h:p: WebSocket sessions (what the driver's `Pool`/`Client` use via
// `neonConfig.wsProxy`), speaking the Postgres wire protocol on pooled server connections.
import { connect as tcpConnect } from "node:net";
import type { WebSocket } from "ws";
import type { ServerConn, ServerPool } from "./server-pool.ts";
import type { Target } from "./target.ts";
import { cstring, errorResponse, message, messageWatcher, parseStartup } from "./wire.ts";

/** Relays each WebSocket to a server connection of `serverPool`; only ever to `target`. */
export function createSessionRelay(target: Target, serverPool: ServerPool) {
  const tunnels = new Set<WebSocket>();

  /**
   * One WebSocket = one Postgres session, served like Neon's pooled endpoint (PgBouncer): the relay
   * answers the startup itself (no client authentication: loopback dev tooling) and lends the
   * client an already-connected server connection from `serverPool`. So a per-request `Pool` in
   * the Worker costs a WebSocket handshake, not a Postgres backend start (a fork, ~5 ms here) and
   * not the driver's JavaScript SCRAM. When the client leaves, the connection is rolled back,
   * DISCARD ALL'd and reused.
   */
  function relay(ws: WebSocket) {
    tunnels.add(ws);
    let conn: ServerConn | undefined;
    let pending: Buffer[] = []; // client bytes that arrive before a server connection is attached
    let startup: Buffer | undefined = Buffer.alloc(0); // undefined once the startup phase is over
    let left = false;
    let first = true; // the first client bytes after the startup packet
    const clientWatch = messageWatcher((type) => {
      if (type === 0x58) return "stop"; // Terminate: the session ends here, the connection does not
      if (type === 0x51 || type === 0x53 || type === 0x46) conn!.outstanding++; // Query, Sync, FunctionCall
    });
    const toServer = (buf: Buffer) => {
      // A pipelined client (pipelineConnect: "password", as in production) sends its password
      // unasked, right after the startup packet. We never asked (no client auth): drop it.
      if (first) {
        first = false;
        if (buf[0] === 0x70 && buf.length >= 5) buf = buf.subarray(1 + buf.readInt32BE(1));
      }
      const cut = clientWatch(buf);
      const part = cut < 0 ? buf : buf.subarray(0, cut);
      if (part.length && !conn!.socket.write(part)) {
        ws.pause();
        conn!.socket.once("drain", () => ws.resume());
      }
      if (cut >= 0) leave();
    };
    const sendToClient = (chunk: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk);
    };
    const leave = () => {
      if (left) return;
      left = true;
      tunnels.delete(ws);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      if (conn) {
        conn.sink = undefined;
        serverPool.recycle(conn);
        conn = undefined;
      }
    };

    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (left) return;
      if (startup === undefined) return conn ? toServer(buf) : void pending.push(buf);
      startup = Buffer.concat([startup, buf]);
      // Startup phase: length-prefixed packets with no type byte.
      while (startup && startup.length >= 8 && startup.length >= startup.readInt32BE(0)) {
        const length = startup.readInt32BE(0);
        const code = startup.readInt32BE(4);
        const packet = startup.subarray(0, length);
        const rest = startup.subarray(length);
        if (code === 80877103 || code === 80877104) {
          ws.send(Buffer.from("N")); // SSLRequest / GSSENCRequest: no (the WebSocket carries it)
          startup = rest;
        } else if (code === 80877102) {
          forwardCancel(packet); // CancelRequest carries a real backend pid/secret: pass it on
          return leave();
        } else {
          startup = undefined;
          if (rest.length) pending.push(Buffer.from(rest));
          const params = parseStartup(packet);
          serverPool.acquire(params.user ?? "", params.database ?? params.user ?? "").then(
            (c) => {
              if (left) return serverPool.recycle(c);
              conn = c;
              conn.sink = sendToClient;
              conn.onClose = leave;
              ws.send(startupResponse(c));
              const early = Buffer.concat(pending);
              pending = [];
              if (early.length) toServer(early);
            },
            (err: Error & { code?: string }) => {
              ws.send(errorResponse(err.code ?? "08006", err.message));
              leave();
            },
          );
        }
      }
    });
    ws.on("close", leave);
    ws.on("error", leave);
  }

  function forwardCancel(packet: Buffer) {
    const socket = tcpConnect({ host: target.host, port: target.port });
    socket.on("error", () => {});
    socket.end(packet);
  }

  return {
    relay,
    /** Live sessions (back to 0 when every client pool has ended). */
    open: () => tunnels.size,
    closeAll(): void {
      for (const ws of tunnels) ws.terminate();
      tunnels.clear();
    },
  };
}

/** What a server sends after authentication: AuthenticationOk, ParameterStatus…, BackendKeyData, ReadyForQuery. */
function startupResponse(conn: ServerConn): Buffer {
  const key = Buffer.alloc(8);
  key.writeInt32BE(conn.pid ?? 0, 0);
  key.writeInt32BE(conn.secret ?? 0, 4);
  return Buffer.concat([
    message("R", Buffer.from([0, 0, 0, 0])),
    ...conn.parameters.map(([name, value]) => message("S", Buffer.concat([cstring(name), cstring(value)]))),
    message("K", key),
    message("Z", Buffer.from("I")),
  ]);
}
