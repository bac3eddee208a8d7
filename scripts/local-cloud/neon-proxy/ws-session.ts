// GET /v2?address=h:p: WebSocket sessions (what the driver's `Pool`/`Client` use via
// `neonConfig.wsProxy`), speaking the Postgres wire protocol on pooled server connections.
import { connect as tcpConnect } from "node:net";
import type { WebSocket } from "ws";
import type { Gate } from "./credentials.ts";
import type { ServerConn, ServerPool } from "./server-pool.ts";
import type { Target } from "./target.ts";
import { cstring, errorResponse, message, messageWatcher, parseStartup } from "./wire.ts";

/** Relays each WebSocket to a server connection of `serverPool`; only ever to `target`. */
export function createSessionRelay(target: Target, serverPool: ServerPool, gate: Gate) {
  const tunnels = new Set<WebSocket>();

  /**
   * One WebSocket = one Postgres session, served like Neon's pooled endpoint (PgBouncer): the relay
   * authenticates the client itself, as Neon's proxy does (AuthenticationCleartextPassword, then
   * the role, password and database are checked by `gate`), and lends it an already-connected
   * server connection from `serverPool`. So a per-request `Pool` in the Worker costs a WebSocket
   * handshake, not a Postgres backend start (a fork, ~5 ms here) and not the driver's JavaScript
   * SCRAM. When the client leaves, the connection is rolled back, DISCARD ALL'd and reused.
   */
  function relay(ws: WebSocket) {
    tunnels.add(ws);
    let conn: ServerConn | undefined;
    let pending: Buffer[] = []; // client bytes that arrive before a server connection is attached
    let startup: Buffer | undefined = Buffer.alloc(0); // undefined once the startup packet is in
    let params: Record<string, string> | undefined; // the startup parameters, while authenticating
    let auth: Buffer | undefined; // bytes after the startup packet, until the password message is whole
    let left = false;
    const clientWatch = messageWatcher((type) => {
      if (type === 0x58) return "stop"; // Terminate: the session ends here, the connection does not
      if (type === 0x51 || type === 0x53 || type === 0x46) conn!.outstanding++; // Query, Sync, FunctionCall
    });
    const toServer = (buf: Buffer) => {
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
    const refuse = (code: string, text: string) => {
      if (ws.readyState === ws.OPEN) ws.send(errorResponse(code, text));
      leave();
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

    /** The password message ('p'), whether pipelined right after the startup packet or sent when asked. */
    const authenticate = () => {
      if (!auth || !params || auth.length < 5 || auth.length < 1 + auth.readInt32BE(1)) return;
      const length = 1 + auth.readInt32BE(1);
      if (auth[0] !== 0x70) return refuse("08P01", `expected password response, got message type ${auth[0]}`);
      const password = auth.subarray(5, length - 1).toString("utf8");
      if (auth.length > length) pending.push(Buffer.from(auth.subarray(length)));
      const { user = "", database } = params;
      auth = undefined;
      params = undefined;
      gate
        .check({ user, password, database: database || user })
        .then((refusal) => {
          if (refusal) return refuse(refusal.code, refusal.message);
          return serverPool.acquire(user, database || user).then((c) => {
            if (left) return serverPool.recycle(c);
            conn = c;
            conn.sink = sendToClient;
            conn.onClose = leave;
            ws.send(startupResponse(c));
            const early = Buffer.concat(pending);
            pending = [];
            if (early.length) toServer(early);
          });
        })
        .catch((err: Error & { code?: string }) => refuse(err.code ?? "08006", err.message));
    };

    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (left) return;
      if (conn) return toServer(buf);
      if (auth) {
        auth = Buffer.concat([auth, buf]);
        return authenticate();
      }
      if (startup === undefined) return void pending.push(buf);
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
          params = parseStartup(packet);
          auth = Buffer.from(rest);
          ws.send(message("R", Buffer.from([0, 0, 0, 3]))); // AuthenticationCleartextPassword, as Neon asks
          authenticate();
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
