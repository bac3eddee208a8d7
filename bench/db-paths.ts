/**
 * Micro-benchmark of the two database paths, in Node against the local Neon proxy:
 *
 *   pool-per-request  new WebSocket Pool + 1 query + pool.end() per request (the old approach;
 *                     the proxy now lends pooled server connections, so no backend start here)
 *   http              neon() HTTP: one fetch per query (the new hot path)
 *   drizzle-http      createDatabase() + drizzle select over HTTP (what a route does)
 *   transaction       createDatabase() + db.transaction with SELECT … FOR UPDATE + UPDATE
 *
 * Run: npx node bench/db-paths.ts            (PGlite, in memory)
 *      BENCH_DATABASE_URL=postgres://blackroad_ci@127.0.0.1:5432/blackroad_ci npx node bench/db-paths.ts
 * Env: BENCH_SECONDS (default 5), BENCH_CONCURRENCY (default 10).
 * The Worker-level benchmark (workerd, HTTP routes) is separate; this isolates the data path.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import { eq, sql } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import WebSocket from "ws";
import { startNeonProxy } from "../scripts/local-cloud/neon-proxy.ts";
import { startPostgres } from "../scripts/local-cloud/postgres.ts";
import { createDatabase, loadDatabaseDriver } from "../src/lib/db.ts";

await loadDatabaseDriver(); // db.ts imports the driver lazily

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const ROWS = 1_000;

const items = pgTable("bench_items", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  qty: integer("qty").notNull(),
});

// The database and the proxy run in a child process, as in the local cloud (the Worker is another
// process): sharing one event loop with the load generator would distort every number.
if (process.argv[2] === "--serve") {
  const database = await startPostgres({ databaseUrl: process.env.BENCH_DATABASE_URL || undefined });
  const proxy = await startNeonProxy({ databaseUrl: database.url });
  // The proxy checks credentials as Neon does: clients use its URL (with the password it expects).
  console.log(JSON.stringify({ url: proxy.databaseUrl, backend: database.backend, proxyUrl: proxy.url }));
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", () => console.log(JSON.stringify(proxy.stats()))); // any line: report stats
  process.stdin.on(
    "end",
    () =>
      void proxy
        .close()
        .then(() => database.close())
        .then(() => process.exit(0)),
  );
  await new Promise(() => {});
}

const server = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve"], {
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
const nextLine = async () => JSON.parse((await lines.next()).value as string);
const database = (await nextLine()) as { url: string; backend: string; proxyUrl: string };
const proxy = {
  url: database.proxyUrl,
  stats: async () => (
    server.stdin!.write("stats\n"), (await nextLine()) as { httpQueries: number; openSockets: number }
  ),
};
const proxyHost = new URL(proxy.url).host;
neonConfig.fetchEndpoint = `${proxy.url}/sql`;
neonConfig.wsProxy = `${proxyHost}/v2`;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false;
neonConfig.webSocketConstructor = WebSocket;

const sqlHttp = neon(database.url);
await sqlHttp`drop table if exists bench_items`;
await sqlHttp`create table bench_items (id integer primary key, name text not null, qty integer not null)`;
await sqlHttp`insert into bench_items select g, 'item ' || g, 1000000 from generate_series(1, ${ROWS}::int) g`;

const randomId = () => 1 + Math.floor(Math.random() * ROWS);
const env = { DATABASE_URL: database.url, NEON_PROXY_URL: proxy.url };
const background: Promise<unknown>[] = [];
const ctx = { waitUntil: (p: Promise<unknown>) => void background.push(p.catch(() => {})) };

const scenarios: Record<string, () => Promise<unknown>> = {
  "pool-per-request": async () => {
    const pool = new Pool({ connectionString: database.url });
    try {
      await pool.query("select id, name, qty from bench_items where id = $1", [randomId()]);
    } finally {
      ctx.waitUntil(pool.end()); // off the response path, as in the Worker
    }
  },
  http: () => sqlHttp.query("select id, name, qty from bench_items where id = $1", [randomId()]),
  "drizzle-http": () => createDatabase(env, ctx).select().from(items).where(eq(items.id, randomId())),
  transaction: async () => {
    const db = createDatabase(env, ctx);
    const id = randomId();
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(items).where(eq(items.id, id)).for("update");
      await tx
        .update(items)
        .set({ qty: sql`${items.qty} - 1` })
        .where(eq(items.id, row!.id));
    });
    db.$close();
  },
};

async function run(name: string, fn: () => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await fn();
        latencies.push(performance.now() - started);
      } catch (err) {
        if (++errors <= 3) console.error(`${name}:`, err);
      }
    }
  };
  await fn(); // warm-up (JIT, first connections)
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(background.splice(0));
  await new Promise((r) => setTimeout(r, 200)); // let the last tunnels close
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    scenario: name,
    "req/s": Math.round(latencies.length / elapsed),
    "p50 ms": +pct(50).toFixed(2),
    "p99 ms": +pct(99).toFixed(2),
    requests: latencies.length,
    errors,
    "open sockets after": (await proxy.stats()).openSockets,
  };
}

console.log(
  `backend: ${database.backend}; ${CONCURRENCY} concurrent, ${SECONDS}s per scenario; Node ${process.version}`,
);
const only = process.argv.slice(2);
const results = [];
for (const [name, fn] of Object.entries(scenarios)) {
  if (only.length && !only.includes(name)) continue;
  results.push(await run(name, fn));
}
console.table(results);

await sqlHttp`drop table if exists bench_items`;
server.stdin!.end();
