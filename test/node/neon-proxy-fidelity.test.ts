/**
 * The local Neon proxy fails where Neon fails, tried with the real `@neondatabase/serverless` client
 * (and with src/lib/db.ts, which pipelines the password as the Worker does): wrong credentials and
 * missing databases are refused with Neon's errors over HTTP and WebSocket, statement_timeout is
 * honoured, and a query the client gave up on is cancelled instead of holding its locks.
 *
 *   npx vitest run --project node test/node/neon-proxy-fidelity.test.ts
 */
import { NeonDbError, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { type NeonProxy, startNeonProxy } from "../../scripts/local-cloud/neon-proxy.ts";
import { createDatabaseIfMissing, type StartedPostgres, startPostgres } from "../../scripts/local-cloud/postgres.ts";
import { createDatabase, loadDatabaseDriver, toDatabaseUnavailable } from "../../src/lib/db.ts";

await loadDatabaseDriver(); // db.ts imports the driver lazily

const proxyByDbPort = new Map<string, URL>();
const proxyFor = (port: string | number) => proxyByDbPort.get(String(port)) ?? new URL("http://127.0.0.1:9");
neonConfig.fetchEndpoint = (_host, port) => new URL("/sql", proxyFor(port)).href;
neonConfig.wsProxy = (host, port) => `${proxyFor(port).host}/v2?address=${host}:${port}`;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false; // answer the proxy's password request, as pg does
neonConfig.webSocketConstructor = WebSocket;

const elapsed = async (fn: () => Promise<unknown>) => {
  const started = Date.now();
  const outcome = await fn().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, ms: Date.now() - started } as { value?: unknown; error?: unknown; ms: number };
};

/** code and message of an error and of each error it wraps (drizzle wraps the driver's). */
function causes(err: unknown): Array<{ code: unknown; message: unknown }> {
  const out = [];
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    out.push({ code: e.code, message: e.message });
  return out;
}

describe.each(["pglite", "postgres"] as const)("Neon proxy fidelity on %s", (backend) => {
  let database: StartedPostgres;
  let proxy: NeonProxy;
  let good: string;
  const variant = (change: (u: URL) => void) => {
    const u = new URL(good);
    change(u);
    return u.toString();
  };

  beforeAll(async () => {
    const databaseUrl =
      backend === "postgres"
        ? await createDatabaseIfMissing(inject("realPostgresUrl"), "blackroad_proxy_fidelity")
        : undefined;
    database = await startPostgres({ databaseUrl });
    proxy = await startNeonProxy({ databaseUrl: database.url });
    proxyByDbPort.set(new URL(database.url).port || "5432", new URL(proxy.url));
    good = proxy.databaseUrl;
    const http = neon(good);
    await http`create table if not exists fidelity_rows (id int primary key, n int not null)`;
    await http`insert into fidelity_rows values (1, 0) on conflict do nothing`;
  });

  afterAll(async () => {
    await proxy?.close();
    await database?.close();
  });

  it("hands out a URL with a password, and accepts exactly it", async () => {
    expect(new URL(good).password).not.toBe("");
    const [row] = await neon(good)`select current_user as u, current_database() as d`;
    expect(row).toEqual({ u: decodeURIComponent(new URL(good).username), d: new URL(good).pathname.slice(1) });
  });

  const refusals = () => [
    {
      what: "a wrong password",
      url: variant((u) => (u.password = "wrong")),
      code: "28P01",
      message: `password authentication failed for user '${decodeURIComponent(new URL(good).username)}'`,
    },
    {
      what: "another user",
      url: variant((u) => (u.username = "intruder")),
      code: "28P01",
      message: "password authentication failed for user 'intruder'",
    },
    {
      what: "no password",
      url: variant((u) => (u.password = "")),
      code: "28P01",
      message: `password authentication failed for user '${decodeURIComponent(new URL(good).username)}'`,
    },
    {
      what: "a database that does not exist",
      url: variant((u) => (u.pathname = "/no_such_database")),
      code: "3D000",
      message: 'database "no_such_database" does not exist',
    },
  ];

  it("refuses wrong credentials and missing databases over HTTP with Neon's error", async () => {
    for (const r of refusals()) {
      const err = await neon(r.url)`select 1`.catch((e: unknown) => e);
      expect(err, r.what).toBeInstanceOf(NeonDbError);
      expect(err, r.what).toMatchObject({ code: r.code, message: r.message });
    }
  });

  it("refuses them over WebSocket too, asked for or pipelined (the Worker's way)", async () => {
    for (const r of refusals().filter((x) => x.what !== "no password")) {
      const pool = new Pool({ connectionString: r.url, max: 1 });
      pool.on("error", () => {});
      const err = await pool.query("select 1").catch((e: unknown) => e);
      await pool.end().catch(() => {});
      expect(err, r.what).toMatchObject({ code: r.code, message: r.message });

      const db = createDatabase({ DATABASE_URL: r.url, NEON_PROXY_URL: proxy.url }, { waitUntil: () => {} });
      const viaWorker = await db.transaction((tx) => tx.execute(sql`select 1`)).catch((e: unknown) => e);
      db.$close();
      expect(causes(viaWorker), r.what).toContainEqual({ code: r.code, message: r.message });
      // A misconfiguration, not an outage: the Worker answers 500, not a retry-later 503.
      expect(toDatabaseUnavailable(viaWorker), r.what).toBeUndefined();
    }
    const ok = new Pool({ connectionString: good, max: 1 });
    expect((await ok.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await ok.end();
  });

  it("honours statement_timeout over HTTP and WebSocket (SQLSTATE 57014), and the session lives on", async () => {
    const http = neon(good);
    const viaHttp = await elapsed(() =>
      http.transaction([http`set local statement_timeout = 200`, http`select pg_sleep(1.5)`]),
    );
    expect(viaHttp.error).toMatchObject({ code: "57014" });
    expect(viaHttp.ms).toBeLessThan(1_200);

    const pool = new Pool({ connectionString: good, max: 1 });
    const client = await pool.connect();
    try {
      await client.query("set statement_timeout = 200");
      const viaWs = await elapsed(() => client.query("select pg_sleep(1.5)"));
      expect(viaWs.error).toMatchObject({ code: "57014" });
      expect(viaWs.ms).toBeLessThan(1_200);
      expect((await client.query("select 2 as two")).rows).toEqual([{ two: 2 }]);
      await client.query("set statement_timeout = 0");
      expect((await elapsed(() => client.query("select pg_sleep(0.2)"))).error).toBeUndefined();
    } finally {
      client.release();
      await pool.end();
    }
  });

  // PGlite runs on the local cloud's one thread and cannot be interrupted: an abandoned statement
  // there runs to its end (pglite-fidelity.ts says so). PostgreSQL is what production has.
  if (backend === "postgres") {
    it("cancels a WebSocket session's query when the client gives up: its lock is free at once", async () => {
      const doomed = new Pool({ connectionString: good, max: 1 });
      doomed.on("error", () => {});
      const client = await doomed.connect();
      client.on("error", () => {});
      await client.query("begin");
      await client.query("select n from fidelity_rows where id = 1 for update");
      const sleeping = client.query("select pg_sleep(5)").catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
      // The driver's deadline passed: the Worker drops the socket mid-query.
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const other = new Pool({ connectionString: good, max: 1 });
      const next = await elapsed(() => other.query("select n from fidelity_rows where id = 1 for update"));
      await other.end();
      await sleeping;
      client.release(true);
      await doomed.end().catch(() => {});
      expect(next.error).toBeUndefined();
      expect(next.ms).toBeLessThan(1_500); // not the 4.8 s the abandoned pg_sleep had left
    });

    it("cancels an HTTP query whose fetch was aborted by the driver's deadline", async () => {
      const http = neon(good);
      const aborted = await elapsed(() =>
        http.transaction([http`select n from fidelity_rows where id = 1 for update`, http`select pg_sleep(5)`], {
          fetchOptions: { signal: AbortSignal.timeout(300) },
        }),
      );
      expect(aborted.ms).toBeLessThan(1_000);
      expect(aborted.error).toBeDefined();
      const next = await elapsed(() => http.transaction([http`select n from fidelity_rows where id = 1 for update`]));
      expect(next.error).toBeUndefined();
      expect(next.ms).toBeLessThan(1_500);
    });
  }
});
