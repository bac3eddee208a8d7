/**
 * `node bench/search-scales.ts <url> [<url> …]`: the search statement alone (src/services/search/search.ts
 * through drizzle on node-postgres) on each database given, read-only: meant for the bench templates
 * (`blackroad_bench_seed`, `blackroad_bench_seed_x10`), whose posts are worded by bench/seed.ts. Per
 * database: one indexed SELECT (the floor), then three query mixes as user 1 over every kind, 20
 * results: the bench's (a mid-frequency word and the prefix of another, as typed), one mid-frequency
 * word, and one common word (among the 20 most frequent). p50/p90 over `SEARCH_RUNS` (default 200) after one warm-up pass.
 */
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { SEARCH_KINDS } from "../src/lib/constants.ts";
import { search } from "../src/services/search/search.ts";
import { SEARCH_VOCABULARY } from "./seed.ts";

const urls = process.argv.slice(2);
if (urls.length === 0) throw new Error("usage: node bench/search-scales.ts <postgres-url> [<postgres-url> …]");
const RUNS = Number(process.env.SEARCH_RUNS ?? 200);
let seed = 20261206;
const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const pick = (n: number) => Math.floor(rand() * n);
const mixes: Record<string, string[]> = {
  "word + prefix (the bench's)": Array.from(
    { length: 100 },
    () => `${SEARCH_VOCABULARY[300 + pick(500)]} ${SEARCH_VOCABULARY[300 + pick(500)]!.slice(0, 4)}`,
  ),
  "one mid-frequency word": Array.from({ length: 100 }, () => `${SEARCH_VOCABULARY[300 + pick(500)]} `),
  "one common word": Array.from({ length: 100 }, () => `${SEARCH_VOCABULARY[pick(20)]} `),
};

for (const url of urls) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = drizzle(client) as never;
  const { rows } = await client.query("select count(*)::int as n, max(id) as max from posts");
  console.log(`${new URL(url).pathname.slice(1)}: ${rows[0].n} posts`);
  const time = async (name: string, fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 100; i++) await fn(i); // each query of the mix once: a warm cache
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await fn(i);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
    console.log(`  ${name.padEnd(40)} p50 ${p(0.5)} ms  p90 ${p(0.9)} ms`);
  };
  await time("one indexed SELECT (a post by id)", (i) =>
    client.query("select * from posts where id = $1", [1 + ((i * 7919) % rows[0].max)]),
  );
  for (const [name, qs] of Object.entries(mixes))
    await time(`search: ${name}`, (i) =>
      search(db, { userId: 1, q: qs[i % qs.length]!, kinds: SEARCH_KINDS, limit: 20, cursor: null }),
    );
  await client.end();
}
