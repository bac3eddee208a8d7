// Server connections lent to WebSocket sessions (a tiny session-mode pooler, like Neon's pooled
// endpoint): at most 20 per user and database, reset (rollback, DISCARD ALL) between sessions and
// closed after 10 s idle.
import { type Socket, connect as tcpConnect } from "node:net";
import pg from "pg";
import { messageWatcher, queryMessage } from "./wire.ts";

export type ServerConn = {
  socket: Socket;
  key: string;
  pid: number;
  secret: number;
  parameters: [string, string][];
  /** ReadyForQuery status of the last 'Z': I(dle), T(ransaction), E(rror in transaction). */
  status: number;
  /** Queries/Syncs sent whose ReadyForQuery has not arrived yet. */
  outstanding: number;
  /** Where server bytes go while lent to a client. */
  sink?: (chunk: Buffer) => void;
  /** Called on each complete server message while the connection is being reset. */
  onMessage?: (type: number) => void;
  /** Called if the server connection dies while lent to a client. */
  onClose?: () => void;
  idleTimer?: ReturnType<typeof setTimeout>;
};

export function createServerPool(databaseUrl: string, opts = { max: 20, idleMs: 10_000, acquireMs: 5_000 }) {
  const idle = new Map<string, ServerConn[]>();
  const waiting = new Map<string, Array<(c: ServerConn | Error) => void>>();
  const counts = new Map<string, number>();
  const all = new Set<ServerConn>();

  async function connect(user: string, database: string, key: string): Promise<ServerConn> {
    const url = new URL(databaseUrl);
    if (user && decodeURIComponent(url.username) !== user) {
      url.username = encodeURIComponent(user);
      url.password = "";
    }
    if (database) url.pathname = `/${encodeURIComponent(database)}`;
    // pg does the startup and authentication (any method, SCRAM in native code, once per
    // connection); then we take its socket over and speak the protocol ourselves.
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: opts.acquireMs });
    const parameters: [string, string][] = [];
    const connection = (client as unknown as { connection: NodeJS.EventEmitter & { stream: Socket } }).connection;
    connection.on("parameterStatus", (m: { parameterName: string; parameterValue: string }) =>
      parameters.push([m.parameterName, m.parameterValue]),
    );
    await client.connect();
    const socket = connection.stream;
    for (const event of ["data", "error", "close", "end"]) socket.removeAllListeners(event);
    const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
    const conn: ServerConn = {
      socket,
      key,
      pid: processID,
      secret: secretKey,
      parameters,
      status: 0x49,
      outstanding: 0,
    };
    const watch = messageWatcher((type, status) => {
      if (type === 0x5a) {
        conn.status = status!;
        conn.outstanding = Math.max(0, conn.outstanding - 1);
      }
      conn.onMessage?.(type);
    });
    socket.on("data", (chunk: Buffer) => {
      conn.sink?.(chunk);
      watch(chunk);
    });
    socket.on("error", () => destroy(conn));
    socket.on("close", () => destroy(conn));
    all.add(conn);
    return conn;
  }

  function destroy(conn: ServerConn) {
    if (!all.delete(conn)) return;
    clearTimeout(conn.idleTimer);
    conn.socket.destroy();
    conn.sink = undefined;
    conn.onClose?.();
    idle.set(
      conn.key,
      (idle.get(conn.key) ?? []).filter((c) => c !== conn),
    );
    counts.set(conn.key, (counts.get(conn.key) ?? 1) - 1);
    handOver(conn.key);
  }

  /** A CancelRequest for the connection's backend, on a connection of its own (the protocol's way). */
  function cancel(conn: ServerConn) {
    const url = new URL(databaseUrl);
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4);
    packet.writeInt32BE(conn.pid, 8);
    packet.writeInt32BE(conn.secret, 12);
    const socket = tcpConnect({ host: url.hostname, port: Number(url.port || 5432) });
    socket.on("error", () => {});
    socket.setTimeout(2_000, () => socket.destroy());
    socket.end(packet);
  }

  /** The session ended: reset the connection (rollback, DISCARD ALL) and pool it, or drop it. */
  function recycle(conn: ServerConn): void {
    conn.sink = undefined;
    conn.onClose = undefined;
    if (conn.outstanding > 0 || !all.has(conn)) {
      // Left mid-query (the driver's deadline passed, the Worker went away): cancel the statement
      // first, as Neon does, or it would run on, holding its locks, until it next writes to the
      // closed socket; then drop the connection, whose state is unknown.
      if (conn.outstanding > 0 && all.has(conn)) cancel(conn);
      return destroy(conn);
    }
    const statements = conn.status === 0x49 ? ["discard all"] : ["rollback", "discard all"];
    let remaining = statements.length;
    let failed = false;
    const deadline = setTimeout(() => destroy(conn), opts.acquireMs);
    conn.onMessage = (type) => {
      if (type === 0x45) failed = true; // ErrorResponse
      if (type !== 0x5a || --remaining > 0) return;
      clearTimeout(deadline);
      conn.onMessage = undefined;
      if (failed) return destroy(conn);
      conn.idleTimer = setTimeout(() => destroy(conn), opts.idleMs);
      idle.set(conn.key, [...(idle.get(conn.key) ?? []), conn]);
      handOver(conn.key);
    };
    conn.outstanding = statements.length;
    for (const s of statements) conn.socket.write(queryMessage(s));
  }

  /** A connection became free (or a slot did): give it to the longest-waiting session. */
  function handOver(key: string) {
    const queue = waiting.get(key);
    if (!queue?.length) return;
    const free = idle.get(key)?.pop();
    if (free) {
      clearTimeout(free.idleTimer);
      return queue.shift()!(free);
    }
    if ((counts.get(key) ?? 0) < opts.max) {
      const resolve = queue.shift()!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const [user, database] = key.split("\0") as [string, string];
      connect(user, database, key).then(resolve, (err: Error) => {
        counts.set(key, (counts.get(key) ?? 1) - 1);
        resolve(err);
        handOver(key); // the slot is free again: the next session tries its own connection
      });
    }
  }

  return {
    size: () => all.size,
    acquire(user: string, database: string): Promise<ServerConn> {
      const key = `${user}\0${database}`;
      return new Promise((resolve, reject) => {
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          waiting.set(
            key,
            (waiting.get(key) ?? []).filter((w) => w !== waiter),
          );
          reject(Object.assign(new Error("timed out waiting for a database connection"), { code: "53300" }));
        }, opts.acquireMs);
        const waiter = (c: ServerConn | Error) => {
          clearTimeout(timer);
          if (timedOut) return c instanceof Error || recycle(c); // arrived too late: pool it
          if (c instanceof Error) reject(c);
          else resolve(c);
        };
        waiting.set(key, [...(waiting.get(key) ?? []), waiter]);
        handOver(key);
      });
    },
    recycle,
    close() {
      const queues = [...waiting.values()];
      waiting.clear();
      for (const queue of queues) for (const w of queue) w(new Error("proxy closed"));
      for (const conn of [...all]) destroy(conn);
    },
  };
}

export type ServerPool = ReturnType<typeof createServerPool>;
