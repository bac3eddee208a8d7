/**
 * `node bench/search-sql.ts <postgres-url>`: the search statement alone (src/services/search/search.ts,
 * called through drizzle on node-postgres) over 100,000 posts worded like bench/seed.ts's, against one
 * indexed SELECT on the same connection. What `npm run bench`'s `GET /api/search` row adds to it is
 * the Worker and the HTTP path; this isolates the database's share. Writes into the database given
 * (a scratch one: it adds a user and 100,000 posts once).
 */

import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { SEARCH_KINDS } from "../src/lib/constants.ts";
import { search } from "../src/services/search/search.ts";
import { SEARCH_VOCABULARY } from "./seed.ts";

const url = process.argv[2];
if (!url) throw new Error("usage: node bench/search-sql.ts <postgres-url>");
const client = new pg.Client({ connectionString: url });
await client.connect();
let seed = 20260101;
const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const pick = (n: number) => Math.floor(rand() * n);

const {
  rows: [u],
} = await client.query(
  "insert into users (username, email, hashed_password) values ('search_bench', 'search_bench@bench.test', 'x') on conflict do nothing returning id",
);
const userId = u?.id ?? (await client.query("select id from users where username = 'search_bench'")).rows[0].id;
const {
  rows: [{ n }],
} = await client.query("select count(*)::int as n from posts where user_id = $1", [userId]);
if (n < 100_000) {
  const t0 = performance.now();
  for (let start = n; start < 100_000; start += 5_000) {
    const texts = Array.from(
      { length: 5_000 },
      (_, i) =>
        `Post ${start + i}: ${Array.from({ length: 10 }, () => SEARCH_VOCABULARY[Math.floor(SEARCH_VOCABULARY.length * rand() ** 3)]).join(" ")}`,
    );
    await client.query("insert into posts (user_id, content) select $1, unnest($2::text[])", [userId, texts]);
  }
  await client.query("analyze posts");
  console.log(`inserted ${100_000 - n} posts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const db = drizzle(client) as never;
const queries = Array.from(
  { length: 200 },
  () => `${SEARCH_VOCABULARY[300 + pick(500)]} ${SEARCH_VOCABULARY[300 + pick(500)]!.slice(0, 4)}`,
);
const ids = (await client.query("select id from posts order by random() limit 200")).rows.map((r) => r.id);

async function time(name: string, fn: (i: number) => Promise<unknown>, runs = 400) {
  for (let i = 0; i < 20; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
  console.log(`${name.padEnd(48)} p50 ${p(0.5)} ms  p90 ${p(0.9)} ms  p99 ${p(0.99)} ms`);
}
let hits = 0;
await time("one indexed SELECT (post by id)", (i) =>
  client.query("select * from posts where id = $1", [ids[i % ids.length]]),
);
await time("search: word + prefix, all kinds, 20 results", async (i) => {
  const page = await search(db, {
    userId,
    q: queries[i % queries.length]!,
    kinds: SEARCH_KINDS,
    limit: 20,
    cursor: null,
  });
  hits += page.results.length;
});
await time("search: one word, all kinds, 20 results", (i) =>
  search(db, { userId, q: queries[i % queries.length]!.split(" ")[0]!, kinds: SEARCH_KINDS, limit: 20, cursor: null }),
);
console.log(`average results per word+prefix query: ${(hits / 420).toFixed(1)}`);
await client.end();
