// POST /sql: Neon's HTTP SQL protocol (what `neon()` and drizzle `neon-http` call). One query, or
// a batch run in one transaction, executed over a `pg` pool per connection string.
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { credentialsOf, type Gate, type Refusal } from "./credentials.ts";
import { jsonToPgText, textToJson } from "./pg-text.ts";
import { hostPort, sameTarget, type Target } from "./target.ts";

const MAX_BODY_BYTES = 10 * 1024 * 1024;
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

/** Neon's refusal of a client (authentication, unknown database): HTTP 400 with the SQLSTATE. */
function refused(r: Refusal): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(r.message, 0, "error"), { code: r.code, severity: r.severity });
}

const listened = new WeakSet<pg.PoolClient>();

/** After the caller gave up and the cancel did not end the statement in this time, drop the connection. */
const ABANDONED_MS = 1_000;

/** The proxy's HTTP side: POST /sql (and CORS preflights); anything else is a 404. */
export function createSqlEndpoint(target: Target, gate: Gate) {
  // One pg pool per database, like Neon's per-endpoint pools; in practice there is one. The
  // proxy connects with its own backend URL once the gate has accepted the client's credentials.
  const pools = new Map<string, pg.Pool>();
  let queries = 0;

  function poolFor(database: string): pg.Pool {
    let pool = pools.get(database);
    if (!pool) {
      const connectionString = gate.backendFor(database);
      pool = new pg.Pool({ connectionString, max: 20, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 5_000 });
      pool.on("error", () => {}); // an idle client died (server restart): the pool replaces it
      pools.set(database, pool);
    }
    return pool;
  }

  async function runQuery(client: pg.PoolClient, data: QueryData, o: Options) {
    if (typeof data?.query !== "string")
      throw new RequestError("request body must be {query, params} or {queries: [...]}");
    const arrayMode = data.arrayMode ?? o.arrayMode;
    queries++;
    // Always the extended protocol, as Neon does: one statement per query, parameters bound.
    const config = {
      text: data.query,
      values: (data.params ?? []).map(jsonToPgText),
      rowMode: "array",
      types: RAW_TYPES,
      queryMode: "extended",
    };
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
    const given = credentialsOf(connectionString);
    const refusal = await gate.check(given);
    if (refusal) throw refused(refusal);
    const o: Options = {
      raw: header("Neon-Raw-Text-Output") === "true",
      arrayMode: header("Neon-Array-Mode") === "true",
    };
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

    const client = await poolFor(given.database).connect();
    // A checked-out pg client has no 'error' listener (the pool listens to idle ones only): a
    // connection reset mid-query would be an uncaught exception in the whole local cloud. The
    // query fails anyway, and `broken` below makes the pool drop the client.
    if (!listened.has(client)) {
      listened.add(client);
      client.on("error", () => {});
    }
    let broken: Error | undefined;
    // The caller gave up (fetch aborted by its deadline): cancel the statement, as Neon does, so
    // it holds no lock and no connection. If it still runs a moment later (the server does not
    // answer), the connection is dropped: the query fails and the slot is free again.
    const pid = (client as unknown as { processID?: number }).processID;
    let dropTimer: ReturnType<typeof setTimeout> | undefined;
    const onClose = () => {
      if (res.writableFinished) return;
      if (pid) void cancelBackend(gate.backendFor(given.database), pid);
      dropTimer = setTimeout(() => {
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      }, ABANDONED_MS);
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
      clearTimeout(dropTimer);
      res.off("close", onClose);
      client.release(broken); // a connection-level failure destroys the client instead of reusing it
    }
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse): void {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "OPTIONS") return send(res, 204, undefined, corsPreflightHeaders());
      if (path !== "/sql" || req.method !== "POST")
        return send(res, 404, { message: "not found: the Neon proxy serves POST /sql and WebSockets" });
      handleSql(req, res).catch((err: unknown) => sendError(res, err));
    },
    /** Statements run so far. */
    queries: () => queries,
    async close(): Promise<void> {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
      pools.clear();
      await gate.close();
    },
  };
}

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
  const message =
    isDb || err instanceof RequestError ? e.message : `could not run the query: ${e.message || String(err)}`;
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
  c.on("error", () => {}); // reset mid-cancel: nothing to do, and never an uncaught exception
  try {
    await c.connect();
    await c.query("select pg_cancel_backend($1)", [pid]);
  } catch {
    // PGlite has a single backend and cannot cancel; a dead server has nothing to cancel.
  } finally {
    await c.end().catch(() => {});
  }
}
