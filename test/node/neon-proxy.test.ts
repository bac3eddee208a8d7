/**
 * The local Neon proxy against the real `@neondatabase/serverless` client and drizzle, on both
 * backends of the local cloud: PGlite (embedded default) and a real PostgreSQL.
 *
 * The real-PostgreSQL variant never skips: the test run starts a throwaway server
 * (test/node-global-setup.ts), or uses TEST_DATABASE_URL (any PostgreSQL whose role may CREATE DATABASE).
 */
import { NeonDbError, type NeonQueryFunction, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { drizzle as drizzleHttp } from "drizzle-orm/neon-http";
import { drizzle as drizzleWs } from "drizzle-orm/neon-serverless";
import { integer, numeric, pgTable, text } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { type NeonProxy, startNeonProxy } from "../../scripts/local-cloud/neon-proxy.ts";
import { createDatabaseIfMissing, type StartedPostgres, startPostgres } from "../../scripts/local-cloud/postgres.ts";
import { createDatabase, isUniqueViolation, loadDatabaseDriver, toDatabaseUnavailable } from "../../src/lib/db.ts";

await loadDatabaseDriver(); // db.ts imports the driver lazily

const REAL_POSTGRES_ADMIN_URL = inject("realPostgresUrl");
const TEST_DATABASE = "blackroad_neon_proxy_test";

const accounts = pgTable("proxy_accounts", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull().unique(),
  balance: numeric("balance", { precision: 20, scale: 8 }).notNull(),
});

// The driver's endpoint settings are global; route each database (by port) to its own proxy.
const proxyByDbPort = new Map<string, URL>();
const proxyFor = (port: string | number) => {
  const url = proxyByDbPort.get(String(port));
  if (!url) throw new Error(`no proxy for database port ${port}`);
  return url;
};
neonConfig.fetchEndpoint = (_host, port) => new URL("/sql", proxyFor(port)).href;
neonConfig.wsProxy = (host, port) => `${proxyFor(port).host}/v2?address=${host}:${port}`;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false; // the proxy asks for the password (cleartext, as Neon); the Worker pipelines it
neonConfig.webSocketConstructor = WebSocket;

async function until(check: () => boolean, what: string, ms = 5_000) {
  for (const started = Date.now(); !check(); ) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(["pglite", "postgres"] as const)("Neon proxy on %s", (backend) => {
  let database: StartedPostgres;
  let proxy: NeonProxy;
  let sqlHttp: NeonQueryFunction<false, false>;

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (backend === "postgres") {
      try {
        databaseUrl = await createDatabaseIfMissing(REAL_POSTGRES_ADMIN_URL, TEST_DATABASE);
      } catch (err) {
        throw new Error(
          `real PostgreSQL is required for this suite and is not reachable at ${REAL_POSTGRES_ADMIN_URL} ` +
            `(the node project's global setup provides it): ${(err as Error).message}`,
        );
      }
    }
    database = await startPostgres({ databaseUrl });
    proxy = await startNeonProxy({ databaseUrl: database.url });
    proxyByDbPort.set(new URL(database.url).port || "5432", new URL(proxy.url));
    sqlHttp = neon(proxy.databaseUrl);
    await sqlHttp`drop table if exists proxy_accounts`;
    await sqlHttp`create table proxy_accounts (
      id integer primary key generated always as identity,
      name text not null constraint proxy_accounts_name_key unique,
      balance numeric(20, 8) not null)`;
  });

  afterAll(async () => {
    if (proxy) {
      await sqlHttp`drop table if exists proxy_accounts`.catch(() => {});
      await until(() => proxy.stats().openSockets === 0, "all WebSocket tunnels to close");
      await proxy.close();
    }
    await database?.close();
  });

  it("returns every type as the driver parses it, identically over HTTP and WebSocket", async () => {
    const query = `select 12345678901234567890.123456789::numeric as n,
      '2024-02-29T12:34:56.789+00'::timestamptz as ts,
      '{"a":[1,"two",null],"b":{"c":true}}'::jsonb as jb, '[1, 2]'::json as j,
      array[1, 2, null]::int[] as ints, array['a,b', 'qu"ote', null, 'back\\slash', '', 'NULL']::text[] as texts,
      '{{1,2},{3,4}}'::int[] as nested, null::int as nothing, 9223372036854775807::bigint as big,
      true as yes, false as no, 'Grüße, 世界 🚀'::text as unicode, 2.5::float8 as f, 7::smallint as small`;
    const [viaHttp] = await sqlHttp.query(query);
    const pool = new Pool({ connectionString: proxy.databaseUrl });
    try {
      const { rows } = await pool.query(query);
      expect(viaHttp).toEqual(rows[0]);
    } finally {
      await pool.end();
    }
    expect(viaHttp).toMatchObject({
      n: "12345678901234567890.123456789",
      jb: { a: [1, "two", null], b: { c: true } },
      j: [1, 2],
      ints: [1, 2, null],
      texts: ["a,b", 'qu"ote', null, "back\\slash", "", "NULL"],
      nested: [
        [1, 2],
        [3, 4],
      ],
      nothing: null,
      big: "9223372036854775807",
      yes: true,
      no: false,
      unicode: "Grüße, 世界 🚀",
      f: 2.5,
      small: 7,
    });
    expect(new Date(viaHttp!.ts).toISOString()).toBe("2024-02-29T12:34:56.789Z");
  });

  it("binds parameters of every kind, never as SQL", async () => {
    const hostile = "Robert'); drop table proxy_accounts; --";
    const text = 'Grüße 世界 🚀 "q" \\ \n\t end';
    const [row] = await sqlHttp.query(
      `select $1::int + $2::int as sum, $3::text as hostile, $4::boolean as b, $5::jsonb as j, $6::int[] as arr,
        $7::timestamptz as ts, $8::text as nul, $9::bytea as bin, $10::text as text, $11::numeric as n`,
      [
        2,
        3,
        hostile,
        true,
        { k: [1, "v"] },
        [1, 2, 3],
        new Date("2030-01-02T03:04:05.678Z"),
        null,
        Buffer.from([0, 1, 255]),
        text,
        "0.10000001",
      ],
    );
    expect(row).toMatchObject({
      sum: 5,
      hostile,
      b: true,
      j: { k: [1, "v"] },
      arr: [1, 2, 3],
      nul: null,
      text,
      n: "0.10000001",
    });
    expect(new Date(row!.ts).toISOString()).toBe("2030-01-02T03:04:05.678Z");
    expect(Buffer.from(row!.bin).equals(Buffer.from([0, 1, 255]))).toBe(true);
    expect(await sqlHttp`select count(*)::int as n from proxy_accounts`).toEqual([{ n: 0 }]); // table still there
  });

  it("serves array mode and full results with fields, command and rowCount", async () => {
    const r = await sqlHttp.query("select 1 as a, 'x'::text as b", [], { arrayMode: true, fullResults: true });
    expect(r.rows).toEqual([[1, "x"]]);
    expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ["a", 23],
      ["b", 25],
    ]);
    expect(r).toMatchObject({ command: "SELECT", rowCount: 1, rowAsArray: true });

    const ins = await sqlHttp.query(
      "insert into proxy_accounts (name, balance) values ($1, 1), ($2, 2) returning id",
      ["full-1", "full-2"],
      {
        fullResults: true,
      },
    );
    expect(ins).toMatchObject({ command: "INSERT", rowCount: 2, rowAsArray: false });
    const upd = await sqlHttp.query("update proxy_accounts set balance = 0 where name = 'nobody'", [], {
      fullResults: true,
    });
    expect(upd).toMatchObject({ command: "UPDATE", rowCount: 0, rows: [] });
    const del = await sqlHttp.query("delete from proxy_accounts where name like 'full-%'", [], { fullResults: true });
    expect(del).toMatchObject({ command: "DELETE", rowCount: 2 });
  });

  it("returns Postgres errors with their SQLSTATE, constraint and position", async () => {
    await sqlHttp`insert into proxy_accounts (name, balance) values ('dup', 1)`;
    const unique = await sqlHttp`insert into proxy_accounts (name, balance) values ('dup', 2)`.catch((e: unknown) => e);
    expect(unique).toBeInstanceOf(NeonDbError);
    expect(unique).toMatchObject({
      code: "23505",
      constraint: "proxy_accounts_name_key",
      table: "proxy_accounts",
      severity: "ERROR",
    });
    expect((unique as NeonDbError).detail).toMatch(/already exists/);

    const syntax = await sqlHttp.query("selec 1").catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(NeonDbError);
    expect(syntax).toMatchObject({ code: "42601", position: "1" });
    await expect(sqlHttp.query("select 1 / 0")).rejects.toMatchObject({ code: "22012" });
    await expect(sqlHttp.query("select * from no_such_table")).rejects.toMatchObject({ code: "42P01" });
    // One statement per query, as on Neon (extended protocol).
    await expect(sqlHttp.query("select 1; select 2")).rejects.toMatchObject({ code: "42601" });
    await sqlHttp`delete from proxy_accounts where name = 'dup'`;
  });

  it("runs a batch in one transaction that rolls back together", async () => {
    await sqlHttp`insert into proxy_accounts (name, balance) values ('taken', 1)`;
    const failed = sqlHttp.transaction([
      sqlHttp`insert into proxy_accounts (name, balance) values ('batch-first', 1)`,
      sqlHttp`insert into proxy_accounts (name, balance) values ('taken', 2)`,
    ]);
    await expect(failed).rejects.toMatchObject({ code: "23505", constraint: "proxy_accounts_name_key" });
    expect(await sqlHttp`select count(*)::int as n from proxy_accounts where name = 'batch-first'`).toEqual([{ n: 0 }]);

    const [inserted, counted] = await sqlHttp.transaction([
      sqlHttp`insert into proxy_accounts (name, balance) values ('batch-ok', 3) returning name`,
      sqlHttp`select count(*)::int as n from proxy_accounts where name = 'batch-ok'`,
    ]);
    expect(inserted).toEqual([{ name: "batch-ok" }]);
    expect(counted).toEqual([{ n: 1 }]); // later statements see earlier ones: same transaction

    const [iso] = await sqlHttp.transaction([sqlHttp`select current_setting('transaction_isolation') as level`], {
      isolationLevel: "Serializable",
      readOnly: true,
    });
    expect(iso).toEqual([{ level: "serializable" }]);
    await expect(
      sqlHttp.transaction([sqlHttp`insert into proxy_accounts (name, balance) values ('ro', 1)`], { readOnly: true }),
    ).rejects.toMatchObject({ code: "25006" });
    await sqlHttp`delete from proxy_accounts where name in ('taken', 'batch-ok')`;
  });

  it("works under drizzle neon-http, including db.batch rollback", async () => {
    const db = drizzleHttp({ client: sqlHttp });
    const [a] = await db.insert(accounts).values({ name: "drizzle-a", balance: "10.5" }).returning();
    expect(a).toMatchObject({ name: "drizzle-a", balance: "10.50000000" });
    expect(await db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, a!.id))).toEqual([
      { name: "drizzle-a" },
    ]);
    await expect(
      db.batch([
        db.update(accounts).set({ balance: "99" }).where(eq(accounts.id, a!.id)),
        db.insert(accounts).values({ name: "drizzle-a", balance: "1" }),
      ]),
    ).rejects.toThrow();
    const [after] = await db.select().from(accounts).where(eq(accounts.id, a!.id));
    expect(after!.balance).toBe("10.50000000");
    await db.delete(accounts).where(eq(accounts.id, a!.id));
  });

  it("relays interactive transactions: SELECT … FOR UPDATE serializes concurrent withdrawals", async () => {
    const pool = new Pool({ connectionString: proxy.databaseUrl, max: 5 });
    pool.on("error", () => {});
    const db = drizzleWs({ client: pool });
    const [acct] = await db.insert(accounts).values({ name: "for-update", balance: "100" }).returning();
    const withdraw = () =>
      db.transaction(async (tx) => {
        const [row] = await tx.select().from(accounts).where(eq(accounts.id, acct!.id)).for("update");
        if (Number(row!.balance) < 30) throw new Error("insufficient funds");
        await tx
          .update(accounts)
          .set({ balance: sql`${accounts.balance} - 30` })
          .where(eq(accounts.id, acct!.id));
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, withdraw));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const [final] = await db.select().from(accounts).where(eq(accounts.id, acct!.id));
    expect(final!.balance).toBe("10.00000000"); // never overdrawn
    expect(proxy.stats().openSockets).toBeGreaterThan(0);
    await db.delete(accounts).where(eq(accounts.id, acct!.id));
    await pool.end();
    await until(() => proxy.stats().openSockets === 0, "tunnels to close after pool.end()");
  });

  it("counts queries and closes every tunnel when pools end", async () => {
    const before = proxy.stats().httpQueries;
    await sqlHttp`select 1`;
    await sqlHttp.transaction([sqlHttp`select 1`, sqlHttp`select 2`]);
    expect(proxy.stats().httpQueries - before).toBe(3);

    const pools = Array.from({ length: 5 }, () => new Pool({ connectionString: proxy.databaseUrl }));
    await Promise.all(pools.map((p) => p.query("select 1")));
    expect(proxy.stats().openSockets).toBe(5);
    await Promise.all(pools.map((p) => p.end()));
    await until(() => proxy.stats().openSockets === 0, "tunnels to close after pool.end()");
  });

  it("reuses server connections across WebSocket sessions without leaking session state", async () => {
    const session = async (query: string) => {
      const pool = new Pool({ connectionString: proxy.databaseUrl, max: 1 });
      try {
        return (await pool.query(query)).rows[0];
      } finally {
        await pool.end();
      }
    };
    await session("select 1");
    await until(() => proxy.stats().openSockets === 0, "the first session to end");
    await new Promise((r) => setTimeout(r, 50)); // let the relay reset the connection
    const pooled = proxy.stats().serverConnections;
    const first = await session(
      "select pg_backend_pid() as pid, set_config('application_name', 'leaky', false) as app",
    );
    await until(() => proxy.stats().openSockets === 0, "the session to end");
    await new Promise((r) => setTimeout(r, 50));
    const second = await session("select pg_backend_pid() as pid, current_setting('application_name') as app");
    expect(second!.pid).toBe(first!.pid); // same backend: no new Postgres connection per session
    expect(second!.app).not.toBe("leaky"); // DISCARD ALL between sessions
    expect(proxy.stats().serverConnections).toBe(pooled);
  });

  it("rolls back a session that disappears mid-transaction and frees its locks", async () => {
    const [acct] = await drizzleHttp({ client: sqlHttp })
      .insert(accounts)
      .values({ name: "abandoned", balance: "1" })
      .returning();
    const doomed = new Pool({ connectionString: proxy.databaseUrl, max: 1 });
    doomed.on("error", () => {});
    const client = await doomed.connect();
    client.on("error", () => {});
    await client.query("begin");
    await client.query("update proxy_accounts set balance = 2 where id = $1", [acct!.id]);
    // The Worker vanished: the WebSocket closes with no COMMIT and no Terminate.
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await until(() => proxy.stats().openSockets === 0, "the dead session to be dropped");

    const other = new Pool({ connectionString: proxy.databaseUrl });
    try {
      const { rows } = await other.query("select balance from proxy_accounts where id = $1 for update", [acct!.id]);
      expect(rows).toEqual([{ balance: "1.00000000" }]); // the update was rolled back, the lock released
    } finally {
      await other.end();
      client.release(true);
      await doomed.end();
    }
  });

  it("serves many wire-protocol clients at once, and a client dying inside a transaction blocks no one", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    try {
      // Different statements with different parameter counts, interleaved across connections.
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 2
            ? pool.query("select $1::int as n", [i]).then((r) => r.rows[0].n)
            : pool.query("select $1::text as s, $2::int as n", ["x", i]).then((r) => r.rows[0].n),
        ),
      );
      expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => i));

      const dying = new pg.Client({ connectionString: database.url });
      dying.on("error", () => {});
      await dying.connect();
      await dying.query("begin");
      await dying.query("insert into proxy_accounts (name, balance) values ('never-committed', 1)");
      (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const { rows } = await pool.query("select count(*)::int as n from proxy_accounts where name = 'never-committed'");
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await pool.end();
    }
  });

  it("refuses any target other than the configured database", async () => {
    const proxyUrl = new URL(proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://${proxyUrl.host}/v2?address=127.0.0.1:1`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => reject(new Error("relay accepted a foreign target")));
      ws.on("error", () => {});
    });
    expect(status).toBe(403);

    const res = await fetch(`${proxy.url}/sql`, {
      method: "POST",
      headers: { "Neon-Connection-String": "postgres://u:p@10.1.2.3:5432/db", "content-type": "application/json" },
      body: JSON.stringify({ query: "select 1", params: [] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/only serves/);
  });

  describe("src/lib/db.ts createDatabase", () => {
    const env = () => ({ DATABASE_URL: proxy.databaseUrl, NEON_PROXY_URL: proxy.url });

    it("runs one-shot queries over HTTP and transactions on a per-request pool that closes itself", async () => {
      const pending: Promise<unknown>[] = [];
      const db = createDatabase(env(), { waitUntil: (p) => void pending.push(p) });
      const httpBefore = proxy.stats().httpQueries;
      const [created] = await db.insert(accounts).values({ name: "lib-db", balance: "5" }).returning();
      expect(proxy.stats().httpQueries).toBe(httpBefore + 1);
      expect(proxy.stats().openSockets).toBe(0);

      const inside = await db.transaction(async (tx) => {
        const [row] = await tx.select().from(accounts).where(eq(accounts.id, created!.id)).for("update");
        await tx.update(accounts).set({ balance: "6" }).where(eq(accounts.id, created!.id));
        const [timeout] = (await tx.execute(sql`select current_setting('statement_timeout') as t`)).rows;
        return { balance: row!.balance, timeout: timeout!.t, sockets: proxy.stats().openSockets };
      });
      expect(inside).toEqual({ balance: "5.00000000", timeout: "9s", sockets: 1 });
      // A second transaction in the same request reuses the pool; options and savepoints work.
      const settings = await db.transaction(
        async (tx) => {
          await tx.transaction(async (nested) => nested.execute(sql`select 1`));
          const { rows } = await tx.execute(
            sql`select current_setting('transaction_isolation') as iso, current_setting('statement_timeout') as t`,
          );
          return rows[0];
        },
        { isolationLevel: "serializable" },
      );
      expect(settings).toEqual({ iso: "serializable", t: "9s" });
      expect(pending).toHaveLength(1);
      await Promise.all(pending); // the idle close ends the pool; the request's waitUntil settles
      expect(proxy.stats().openSockets).toBe(0);
      expect((await db.select().from(accounts).where(eq(accounts.id, created!.id)))[0]!.balance).toBe("6.00000000");

      const dup = await db
        .insert(accounts)
        .values({ name: "lib-db", balance: "1" })
        .catch((e: unknown) => e);
      expect(isUniqueViolation(dup)).toBe(true);
      expect(isUniqueViolation(dup, "proxy_accounts_name_key")).toBe(true);
      expect(isUniqueViolation(dup, "other_key")).toBe(false);
      expect(toDatabaseUnavailable(dup)).toBeUndefined();
      await db.delete(accounts).where(eq(accounts.id, created!.id));
    });

    it("$close() ends the pool at once, and rolls back a failed transaction", async () => {
      const pending: Promise<unknown>[] = [];
      const db = createDatabase(env(), { waitUntil: (p) => void pending.push(p) });
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(accounts).values({ name: "rolled-back", balance: "1" });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      db.$close();
      await Promise.all(pending);
      expect(proxy.stats().openSockets).toBe(0);
      expect(await db.select().from(accounts).where(eq(accounts.name, "rolled-back"))).toEqual([]);
    });

    it("keeps concurrent requests mixing HTTP queries and transactions correct", async () => {
      const setup = createDatabase(env(), { waitUntil: () => {} });
      const [from, to] = await setup
        .insert(accounts)
        .values([
          { name: "mix-from", balance: "1000" },
          { name: "mix-to", balance: "0" },
        ])
        .returning();
      const request = async () => {
        const pending: Promise<unknown>[] = [];
        const db = createDatabase(env(), { waitUntil: (p) => void pending.push(p) });
        try {
          await db.select().from(accounts).where(eq(accounts.id, from!.id));
          await db.select().from(accounts).where(eq(accounts.id, to!.id));
          await db.transaction(async (tx) => {
            await tx
              .select()
              .from(accounts)
              .where(inArray(accounts.id, [from!.id, to!.id]))
              .orderBy(asc(accounts.id))
              .for("update");
            await tx
              .update(accounts)
              .set({ balance: sql`${accounts.balance} - 1` })
              .where(eq(accounts.id, from!.id));
            await tx
              .update(accounts)
              .set({ balance: sql`${accounts.balance} + 1` })
              .where(eq(accounts.id, to!.id));
          });
        } finally {
          db.$close();
          await Promise.all(pending);
        }
      };
      const results = await Promise.allSettled(Array.from({ length: 25 }, request));
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const balances = await setup
        .select({ balance: accounts.balance })
        .from(accounts)
        .where(inArray(accounts.id, [from!.id, to!.id]))
        .orderBy(asc(accounts.id));
      expect(balances).toEqual([{ balance: "975.00000000" }, { balance: "25.00000000" }]);
      expect(proxy.stats().openSockets).toBe(0);
      await setup.delete(accounts).where(inArray(accounts.id, [from!.id, to!.id]));
    });

    // PGlite has one session: transactions queue there, they cannot deadlock.
    if (backend === "postgres")
      it("classifies a deadlock victim as a retryable outage (503), not an unexpected error (500)", async () => {
        const setup = createDatabase(env(), { waitUntil: () => {} });
        const [a, b] = await setup
          .insert(accounts)
          .values([
            { name: "dl-a", balance: "1" },
            { name: "dl-b", balance: "1" },
          ])
          .returning();
        // Two transactions lock the same two rows in opposite orders; both hold their first lock before
        // either asks for its second, so PostgreSQL must abort one of them (SQLSTATE 40P01).
        let arrived = 0;
        let release!: () => void;
        const bothLocked = new Promise<void>((r) => (release = r));
        const crossing = (first: number, second: number) => async () => {
          const db = createDatabase(env(), { waitUntil: () => {} });
          try {
            await db.transaction(async (tx) => {
              await tx.select().from(accounts).where(eq(accounts.id, first)).for("update");
              if (++arrived === 2) release();
              await bothLocked;
              await tx.select().from(accounts).where(eq(accounts.id, second)).for("update");
            });
          } finally {
            db.$close();
          }
        };
        const results = await Promise.allSettled([crossing(a!.id, b!.id)(), crossing(b!.id, a!.id)()]);
        const failed = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
        expect(failed).toHaveLength(1);
        expect(toDatabaseUnavailable(failed[0])?.name).toBe("DatabaseUnavailableError");
        await setup.delete(accounts).where(inArray(accounts.id, [a!.id, b!.id]));
      });

    it("fails fast with DatabaseUnavailableError when the database cannot be reached", async () => {
      const dead = createDatabase(
        { DATABASE_URL: proxy.databaseUrl, NEON_PROXY_URL: "http://127.0.0.1:9" },
        { waitUntil: () => {} },
      );
      const started = Date.now();
      const viaHttp = await dead.execute(sql`select 1`).catch((e: unknown) => e);
      const viaWs = await dead.transaction(async (tx) => tx.execute(sql`select 1`)).catch((e: unknown) => e);
      dead.$close();
      expect(toDatabaseUnavailable(viaHttp)?.name).toBe("DatabaseUnavailableError");
      expect(toDatabaseUnavailable(viaWs)?.name).toBe("DatabaseUnavailableError");
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
