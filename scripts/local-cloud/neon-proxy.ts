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
 * Both only ever reach the configured database server (host:port of `databaseUrl`); any other
 * target is refused, so this is not an open relay. Loopback only. Development and test tooling.
 *
 * The response shapes follow what the driver parses (see `neon()` in the driver and Neon's
 * sql_over_http): rows as raw Postgres text (the driver applies its own type parsers), fields with
 * their type OIDs, the command tag split into `command` + `rowCount`, and Postgres errors as HTTP
 * 400 carrying the SQLSTATE and the other ErrorResponse fields, so `NeonDbError.code` matches.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect as tcpConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import pg from "pg";
import { WebSocketServer, type WebSocket } from "ws";

export type NeonProxy = {
  /** Base URL, e.g. http://127.0.0.1:4444 — the Worker's NEON_PROXY_URL. */
  url: string;
  close(): Promise<void>;
  /**
   * httpQueries: statements run via /sql; openSockets: live WebSocket sessions (back to 0 when
   * every client pool has ended); serverConnections: pooled Postgres connections behind them.
   */
  stats(): { httpQueries: number; openSockets: number; serverConnections: number };
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};
/** Return every value as the text Postgres sent (the `Neon-Raw-Text-Output` contract). */
const RAW_TYPES = { getTypeParser: () => (value: string) => value };

type QueryData = { query: string; params?: unknown[]; arrayMode?: boolean };
type Options = { raw: boolean; arrayMode: boolean };

/** A client error (bad payload, wrong target): HTTP 400 with a message, as Neon answers. */
class RequestError extends Error {}

export async function startNeonProxy(opts: { port?: number; databaseUrl: string }): Promise<NeonProxy> {
  const target = hostPort(opts.databaseUrl);
  // One pg pool per connection string sent by clients (user/password/database), like Neon's
  // per-endpoint pools; in practice there is one.
  const pools = new Map<string, pg.Pool>();
  const tunnels = new Set<WebSocket>();
  const serverPool = createServerPool(opts.databaseUrl);
  let httpQueries = 0;

  function poolFor(connectionString: string): pg.Pool {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 20, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 5_000 });
      pool.on("error", () => {}); // an idle client died (server restart): the pool replaces it
      pools.set(connectionString, pool);
    }
    return pool;
  }

  async function runQuery(client: pg.PoolClient, data: QueryData, o: Options) {
    if (typeof data?.query !== "string") throw new RequestError("request body must be {query, params} or {queries: [...]}");
    const arrayMode = data.arrayMode ?? o.arrayMode;
    httpQueries++;
    // Always the extended protocol, as Neon does: one statement per query, parameters bound.
    const config = { text: data.query, values: (data.params ?? []).map(jsonToPgText), rowMode: "array", types: RAW_TYPES, queryMode: "extended" };
    const result = (await client.query(config as pg.QueryArrayConfig)) as pg.QueryArrayResult<(string | null)[]>;
    const fields = result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: "text",
    }));
    const rows = result.rows.map((row) => {
      const values = o.raw ? row : row.map((v, i) => (v === null ? null : textToJson(v, fields[i]!.dataTypeID)));
      return arrayMode ? values : Object.fromEntries(values.map((v, i) => [fields[i]!.name, v]));
    });
    return { fields, command: result.command, rowCount: result.rowCount ?? null, rows, rowAsArray: arrayMode };
  }

  async function handleSql(req: IncomingMessage, res: ServerResponse) {
    const header = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
    const connectionString = header("Neon-Connection-String");
    if (!connectionString) throw new RequestError("missing Neon-Connection-String header");
    if (!sameTarget(hostPort(connectionString), target)) {
      throw new RequestError(`this proxy only serves ${target.host}:${target.port}`);
    }
    const o: Options = { raw: header("Neon-Raw-Text-Output") === "true", arrayMode: header("Neon-Array-Mode") === "true" };
    const isolationHeader = header("Neon-Batch-Isolation-Level");
    const isolation = isolationHeader === undefined ? undefined : ISOLATION_LEVELS[isolationHeader];
    if (isolationHeader !== undefined && !isolation) throw new RequestError("invalid isolation level");
    const readOnly = header("Neon-Batch-Read-Only") === "true";
    const deferrable = header("Neon-Batch-Deferrable") === "true";

    let body: { queries?: QueryData[] } & QueryData;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      throw new RequestError(err instanceof RequestError ? err.message : "request body is not valid JSON");
    }

    const client = await poolFor(connectionString).connect();
    let broken: Error | undefined;
    // The caller gave up (fetch aborted by its deadline): cancel the statement, as Neon does.
    const pid = (client as unknown as { processID?: number }).processID;
    const onClose = () => {
      if (!res.writableFinished && pid) void cancelBackend(connectionString, pid);
    };
    res.on("close", onClose);
    try {
      if (!Array.isArray(body.queries)) return send(res, 200, await runQuery(client, body, o));
      const mode = [isolation && `isolation level ${isolation}`, readOnly && "read only", deferrable && "deferrable"];
      await client.query(`begin ${mode.filter(Boolean).join(", ")}`);
      try {
        const results = [];
        for (const q of body.queries) results.push(await runQuery(client, q, o));
        await client.query("commit");
        const echo: Record<string, string> = {};
        if (isolationHeader) echo["Neon-Batch-Isolation-Level"] = isolationHeader;
        if (readOnly) echo["Neon-Batch-Read-Only"] = "true";
        if (deferrable) echo["Neon-Batch-Deferrable"] = "true";
        return send(res, 200, { results }, echo);
      } catch (err) {
        // Every statement of the batch rolls back together.
        await client.query("rollback").catch((e: Error) => (broken = e));
        throw err;
      }
    } catch (err) {
      if (!(err instanceof pg.DatabaseError || err instanceof RequestError)) broken = err as Error;
      throw err;
    } finally {
      res.off("close", onClose);
      client.release(broken); // a connection-level failure destroys the client instead of reusing it
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "OPTIONS") return send(res, 204, undefined, corsPreflightHeaders());
    if (path !== "/sql" || req.method !== "POST") return send(res, 404, { message: "not found: the Neon proxy serves POST /sql and WebSockets" });
    handleSql(req, res).catch((err: unknown) => sendError(res, err));
  });

  // WebSocket relay: the driver opens ws://<wsProxy>?address=<db host>:<db port>.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const address = new URL(req.url ?? "/", "http://proxy.local").searchParams.get("address") ?? "";
    const requested = parseAddress(address);
    if (!requested || !sameTarget(requested, target)) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nthis proxy only relays to ${target.host}:${target.port}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws));
  });

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

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ httpQueries, openSockets: tunnels.size, serverConnections: serverPool.size() }),
    async close() {
      for (const ws of tunnels) ws.terminate();
      tunnels.clear();
      serverPool.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
      pools.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "access-control-allow-origin": "*",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Errors as Neon's sql_over_http returns them: every ErrorResponse field present (null if absent). */
function sendError(res: ServerResponse, err: unknown) {
  const e = err as Partial<pg.DatabaseError> & Error;
  const isDb = err instanceof pg.DatabaseError;
  // Postgres errors and bad requests are the client's (400); failing to reach Postgres is ours (500).
  const status = isDb || err instanceof RequestError ? 400 : 500;
  const message = isDb || err instanceof RequestError ? e.message : `could not run the query: ${e.message || String(err)}`;
  send(res, status, {
    message,
    code: e.code ?? null,
    detail: e.detail ?? null,
    hint: e.hint ?? null,
    position: e.position ?? null,
    internalPosition: e.internalPosition ?? null,
    internalQuery: e.internalQuery ?? null,
    severity: e.severity ?? null,
    where: e.where ?? null,
    table: e.table ?? null,
    column: e.column ?? null,
    schema: e.schema ?? null,
    dataType: e.dataType ?? null,
    constraint: e.constraint ?? null,
    file: e.file ?? null,
    line: e.line ?? null,
    routine: e.routine ?? null,
  });
}

function corsPreflightHeaders() {
  return {
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "*",
    "access-control-max-age": "86400",
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RequestError("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Best effort: cancel the running statement of backend `pid` from a separate connection. */
async function cancelBackend(databaseUrl: string, pid: number) {
  const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.query("select pg_cancel_backend($1)", [pid]);
  } catch {
    // PGlite has a single backend and cannot cancel; a dead server has nothing to cancel.
  } finally {
    await c.end().catch(() => {});
  }
}

type Target = { host: string; port: number };

function hostPort(url: string): Target {
  const u = new URL(url);
  return { host: u.hostname, port: u.port ? Number(u.port) : 5432 };
}

function parseAddress(address: string): Target | undefined {
  const m = /^(.+):(\d+)$/.exec(address);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

function sameTarget(a: Target, b: Target) {
  const norm = (h: string) => (LOOPBACK.has(h.toLowerCase()) ? "loopback" : h.toLowerCase());
  return a.port === b.port && norm(a.host) === norm(b.host);
}

// ---- Server connections lent to WebSocket sessions (a tiny session-mode pooler) ----

type ServerConn = {
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

function createServerPool(databaseUrl: string, opts = { max: 20, idleMs: 10_000, acquireMs: 5_000 }) {
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
    connection.on("parameterStatus", (m: { parameterName: string; parameterValue: string }) => parameters.push([m.parameterName, m.parameterValue]));
    await client.connect();
    const socket = connection.stream;
    for (const event of ["data", "error", "close", "end"]) socket.removeAllListeners(event);
    const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
    const conn: ServerConn = { socket, key, pid: processID, secret: secretKey, parameters, status: 0x49, outstanding: 0 };
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
    idle.set(conn.key, (idle.get(conn.key) ?? []).filter((c) => c !== conn));
    counts.set(conn.key, (counts.get(conn.key) ?? 1) - 1);
    handOver(conn.key);
  }

  /** The session ended: reset the connection (rollback, DISCARD ALL) and pool it, or drop it. */
  function recycle(conn: ServerConn): void {
    conn.sink = undefined;
    conn.onClose = undefined;
    if (conn.outstanding > 0 || !all.has(conn)) return destroy(conn); // left mid-query: unknown state
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
          waiting.set(key, (waiting.get(key) ?? []).filter((w) => w !== waiter));
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

/**
 * Follows a stream of typed protocol messages (type byte + int32 length) across chunks and calls
 * `onMessage` for each header (with the status byte for ReadyForQuery). When `onMessage` returns
 * "stop", returns the offset in the current chunk where that message starts; otherwise -1.
 */
function messageWatcher(onMessage: (type: number, status: number | undefined, offset: number) => "stop" | void) {
  let head = Buffer.alloc(0); // a header split across chunks
  let headAt = 0; // offset in the current chunk where `head` began
  let skip = 0; // body bytes of the current message still to pass
  return (chunk: Buffer): number => {
    let i = 0;
    headAt = 0; // a header continued from the previous chunk counts as starting here
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      if (head.length === 0) headAt = i;
      const need = (head.length >= 1 && head[0] === 0x5a ? 6 : 5) - head.length;
      head = Buffer.concat([head, chunk.subarray(i, i + need)]);
      i += Math.min(need, chunk.length - i);
      if (head.length < 5 || (head[0] === 0x5a && head.length < 6)) continue;
      const length = head.readInt32BE(1);
      skip = length + 1 - head.length;
      const verdict = onMessage(head[0]!, head[0] === 0x5a ? head[5] : undefined, headAt);
      head = Buffer.alloc(0);
      if (verdict === "stop") return headAt;
    }
    return -1;
  };
}

function parseStartup(packet: Buffer): Record<string, string> {
  const fields = packet.subarray(8).toString("utf8").split("\0");
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length && fields[i]; i += 2) params[fields[i]!] = fields[i + 1]!;
  return params;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (s: string) => Buffer.from(`${s}\0`, "utf8");
const queryMessage = (sql: string) => message("Q", cstring(sql));

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

function errorResponse(code: string, text: string): Buffer {
  return message("E", Buffer.concat([cstring("SFATAL"), cstring("VFATAL"), cstring(`C${code}`), cstring(`M${text}`), Buffer.from([0])]));
}

// ---- JSON <-> Postgres text, for clients that send JSON values or ask for non-raw output ----

/** Parameters as Neon reads them: strings verbatim, other JSON values as their text form. */
function jsonToPgText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return pgArrayLiteral(v);
  return JSON.stringify(v);
}

function pgArrayLiteral(items: unknown[]): string {
  const item = (v: unknown): string => {
    if (v === null || v === undefined) return "NULL";
    if (Array.isArray(v)) return pgArrayLiteral(v);
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return `"${s.replace(/[\\"]/g, "\\$&")}"`;
  };
  return `{${items.map(item).join(",")}}`;
}

/** Element type of the common array types (for non-raw output). */
const ARRAY_ELEMENT: Record<number, number> = {
  1000: 16, 1005: 21, 1007: 23, 1016: 20, 1021: 700, 1022: 701, 1231: 1700, 1009: 25, 1015: 1043,
  1014: 1042, 199: 114, 3807: 3802, 1115: 1114, 1185: 1184, 1182: 1082, 2951: 2950, 1001: 17,
};

/** Neon's non-raw output: booleans, small ints, floats and json become JSON; the rest stays text. */
function textToJson(text: string, oid: number): unknown {
  const element = ARRAY_ELEMENT[oid];
  if (element !== undefined) return mapNested(parsePgArray(text), (s) => textToJson(s, element));
  switch (oid) {
    case 16:
      return text === "t";
    case 21:
    case 23:
      return Number.parseInt(text, 10);
    case 700:
    case 701: {
      const n = Number(text);
      return Number.isFinite(n) ? n : text; // NaN/Infinity stay strings
    }
    case 114:
    case 3802:
      return JSON.parse(text);
    default:
      return text;
  }
}

type Nested = string | null | Nested[];

function mapNested(v: Nested, f: (s: string) => unknown): unknown {
  return Array.isArray(v) ? v.map((x) => mapNested(x, f)) : v === null ? null : f(v);
}

/** Parses Postgres' array text form (`{1,NULL,"a \"b\""}`, nested, optional `[1:2]=` bounds). */
function parsePgArray(text: string): Nested[] {
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const parse = (): Nested[] => {
    const out: Nested[] = [];
    i++; // '{'
    while (i < text.length && text[i] !== "}") {
      if (text[i] === "{") out.push(parse());
      else if (text[i] === '"') {
        let s = "";
        for (i++; text[i] !== '"'; i++) s += text[i] === "\\" ? text[++i] : text[i];
        i++;
        out.push(s);
      } else {
        let j = i;
        while (text[j] !== "," && text[j] !== "}") j++;
        const raw = text.slice(i, j).trim();
        out.push(raw === "NULL" ? null : raw);
        i = j;
      }
      if (text[i] === ",") i++;
    }
    i++; // '}'
    return out;
  };
  return parse();
}
