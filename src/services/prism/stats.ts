// The Prism console's counts, in ONE SQL statement (scalar subqueries, one round trip).
import { sql } from "drizzle-orm";
import { blocks, events, jobs, transactions, users, wallets } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";

export type PrismStats = {
  users: number;
  active_users: number;
  admins: number;
  new_users_24h: number;
  wallets: number;
  blocks: number;
  chain_height: number | null;
  transactions: number;
  pending_transactions: number;
  events: number;
  events_24h: number;
  failed_logins_24h: number;
  jobs: number;
  jobs_queued: number;
  jobs_running: number;
  jobs_failed: number;
};

export async function prismStats(db: Database, chain: string): Promise<PrismStats> {
  const day = sql`now() - interval '24 hours'`;
  // The chain's counts come from its head row, as GET /api/blockchain/stats does (services/chain/stats.ts):
  // heights are dense, and confirmed_total is the running count a trigger keeps (migration 0021);
  // the pending rows are read through the partial pending index. Counting every block and
  // transaction instead grew with the ledger (a whole-index scan per request).
  const result = await db.execute<Record<keyof PrismStats, string | number | null>>(sql`
    with head as (
      select ${blocks.height} as height, ${blocks.confirmedTotal} as confirmed_total from ${blocks}
      where ${blocks.chain} = ${chain} order by ${blocks.height} desc limit 1
    ), pending as (
      select 1 from ${transactions} where ${transactions.chain} = ${chain} and not ${transactions.isConfirmed}
    )
    select
      (select count(*) from ${users}) as users,
      (select count(*) from ${users} where ${users.isActive}) as active_users,
      (select count(*) from ${users} where ${users.isAdmin}) as admins,
      (select count(*) from ${users} where ${users.createdAt} >= ${day}) as new_users_24h,
      (select count(*) from ${wallets}) as wallets,
      coalesce((select height + 1 from head), 0) as blocks,
      (select height from head) as chain_height,
      coalesce((select confirmed_total from head), 0) + (select count(*) from pending) as transactions,
      (select count(*) from pending) as pending_transactions,
      (select count(*) from ${events}) as events,
      (select count(*) from ${events} where ${events.createdAt} >= ${day}) as events_24h,
      (select count(*) from ${events} where ${events.type} = 'auth.login_failed' and ${events.createdAt} >= ${day}) as failed_logins_24h,
      (select count(*) from ${jobs}) as jobs,
      (select count(*) from ${jobs} where ${jobs.status} = 'queued') as jobs_queued,
      (select count(*) from ${jobs} where ${jobs.status} = 'running') as jobs_running,
      (select count(*) from ${jobs} where ${jobs.status} = 'failed') as jobs_failed
  `);
  const row: Partial<Record<keyof PrismStats, string | number | null>> = result.rows[0] ?? {};
  const n = (k: keyof PrismStats) => Number(row[k] ?? 0);
  return {
    users: n("users"),
    active_users: n("active_users"),
    admins: n("admins"),
    new_users_24h: n("new_users_24h"),
    wallets: n("wallets"),
    blocks: n("blocks"),
    chain_height: row.chain_height === null || row.chain_height === undefined ? null : Number(row.chain_height),
    transactions: n("transactions"),
    pending_transactions: n("pending_transactions"),
    events: n("events"),
    events_24h: n("events_24h"),
    failed_logins_24h: n("failed_logins_24h"),
    jobs: n("jobs"),
    jobs_queued: n("jobs_queued"),
    jobs_running: n("jobs_running"),
    jobs_failed: n("jobs_failed"),
  };
}
