/**
 * The floors of `npm run bench`: a bare Worker, served by the same workerd as the API, that does
 * nothing but the minimal I/O a route needs, through the SAME code the API uses (src/lib/db.ts's
 * drizzle/Neon HTTP path and WebSocket pool, src/lib/redis.ts's Upstash REST client, the same
 * local-cloud relays). A route's ratio to its floor is then the cost of everything that is not I/O.
 *
 *   GET /const           a constant JSON body, no I/O (the floor of /health and friends)
 *   GET /const?log=1     the same plus one JSON log line (what a per-request access log costs)
 *   GET /hono            the same body from a bare Hono app (`c.json`): what the framework alone costs
 *   GET /io/<seq>        sequential round trips, one letter each:
 *                          r = Redis GET (Upstash REST), h = `select 1` over Neon's HTTP path,
 *                          p = `select 1` in an interactive transaction on the per-request
 *                              WebSocket pool (connect + BEGIN + SET LOCAL + select + COMMIT)
 *                          t = a page of a user's transactions (?user=<id>): the list route's own
 *                              query and row shaping (listUserTransactions, src/services/chain/ledger.ts)
 *                          w = a transfer (?user=<id>&to=<address>) through the route's own service call
 *                              (createTransfer: read, key unwrap and signature, one batch with the audit row)
 *                        e.g. /io/rh = what /api/auth/me needs on its request path: session, one query
 *   GET /mining?ms=N     bench/mining-loop.ts inside workerd: mining loop vs raw SHA-256
 *   GET /bcrypt?cost=N   wall time of one password check (src/lib/password.ts) inside workerd
 *
 * Bundled by bench/build.ts with esbuild; never deployed.
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { type DatabaseEnv, openDatabase } from "../src/lib/db.ts";
import { hashPassword, verifyPassword } from "../src/lib/password.ts";
import { redisClient } from "../src/lib/redis.ts";
import { listUserTransactions } from "../src/services/chain/reads.ts";
import { createTransfer } from "../src/services/chain/transfer.ts";
import { runMiningBench } from "./mining-loop.ts";

type FloorEnv = DatabaseEnv & {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  WALLET_MASTER_KEY: string;
};

const CONSTANT = JSON.stringify({
  status: "healthy",
  service: "floor",
  environment: "bench",
  version: "0.0.0",
  timestamp: "2026-01-01T00:00:00.000Z",
});
const JSON_HEADERS = { "Content-Type": "application/json" };
const bareHono = new Hono().get("/hono", (c) => c.json(JSON.parse(CONSTANT) as Record<string, string>));
// Set by the harness (bench/run.ts) to a small value; Worker modules may export only handlers.
const FLOOR_REDIS_KEY = "bench:floor";

export default {
  async fetch(request: Request, env: FloorEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/const") {
      if (url.searchParams.has("log")) {
        console.log(
          JSON.stringify({
            level: "info",
            msg: "request",
            request_id: crypto.randomUUID(),
            method: "GET",
            path: "/const",
            status: 200,
            duration_ms: 0.1,
          }),
        );
      }
      return new Response(CONSTANT, { headers: JSON_HEADERS });
    }

    if (url.pathname === "/hono") return bareHono.fetch(request);

    if (url.pathname.startsWith("/io/")) {
      const seq = url.pathname.slice(4);
      if (!/^[rhbptw]{1,8}$/.test(seq)) return new Response("bad sequence", { status: 400 });
      let body = CONSTANT;
      const db = await openDatabase(env, ctx);
      const redis = redisClient(env);
      try {
        for (const step of seq) {
          if (step === "r") await redis.get(FLOOR_REDIS_KEY);
          else if (step === "h") await db.execute(sql`select 1`);
          else if (step === "b")
            await db.batch([db.execute(sql`select 1`), db.execute(sql`select 1`), db.execute(sql`select 1`)]);
          else if (step === "t") {
            const page = await listUserTransactions(db, "main", Number(url.searchParams.get("user")), {
              limit: 20,
              offset: 0,
            });
            body = JSON.stringify(page);
          } else if (step === "w") {
            const userId = Number(url.searchParams.get("user"));
            const tx = await createTransfer(
              { db, masterKey: env.WALLET_MASTER_KEY, chain: "main" },
              {
                userId,
                toAddress: String(url.searchParams.get("to")),
                amountUnits: 100_000n,
                message: null,
                actor: { userId, ip: null, userAgent: null },
              },
            );
            body = JSON.stringify(tx);
          } else await db.transaction((tx) => tx.execute(sql`select 1`));
        }
      } finally {
        db.$close();
      }
      return new Response(body, { headers: JSON_HEADERS });
    }

    if (url.pathname === "/mining") {
      const report = await runMiningBench({ durationMs: Number(url.searchParams.get("ms") ?? 2000) });
      return Response.json(report);
    }

    if (url.pathname === "/bcrypt") {
      const cost = Number(url.searchParams.get("cost") ?? 12);
      const runs = Number(url.searchParams.get("runs") ?? 5);
      const password = "tangerine-lighthouse-47";
      const hash = await hashPassword(password, cost);
      await verifyPassword(password, hash, cost); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const { ok } = await verifyPassword(password, hash, cost);
        ms.push(performance.now() - t0);
        if (!ok) return new Response("password did not verify", { status: 500 });
      }
      return Response.json({ cost, runs, ms });
    }

    return new Response("not found", { status: 404 });
  },
};
