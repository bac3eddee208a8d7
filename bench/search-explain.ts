/**
 * `node bench/search-explain.ts <postgres-url> <query> [kind] [runs]`: EXPLAIN (ANALYZE, BUFFERS) of
 * the search statement (src/services/search/search.ts, unchanged, through drizzle on node-postgres)
 * for one query as user 1, after `runs` warm-up executions; then its warm time. Read-only: use it on
 * the bench templates to see which plan each scale gets.
 */
import { type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { SEARCH_KINDS, type SearchKind } from "../src/lib/constants.ts";
import { search } from "../src/services/search/search.ts";

const [url, q, kind, runsArg] = process.argv.slice(2);
if (!url || !q) throw new Error("usage: node bench/search-explain.ts <postgres-url> <query> [kind|all] [runs]");
const client = new pg.Client({ connectionString: url });
await client.connect();
const db = drizzle(client);
const kinds: readonly SearchKind[] = kind && kind !== "all" ? [kind as SearchKind] : SEARCH_KINDS;
const input = { userId: 1, q, kinds, limit: 20, cursor: null };
const runs = Number(runsArg ?? 5);
const ms: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await search(db as never, input);
  ms.push(performance.now() - t);
}
const explaining = {
  execute: async (query: SQL) => {
    const plan = await db.execute(sql`explain (analyze, buffers) ${query}`);
    for (const r of plan.rows) console.log(Object.values(r)[0]);
    return { rows: [] };
  },
};
await search(explaining as never, input);
ms.sort((a, b) => a - b);
console.log(
  `warm runs: ${ms.map((m) => m.toFixed(1)).join(" ")} ms (median ${ms[Math.floor(ms.length / 2)]!.toFixed(1)})`,
);
await client.end();
