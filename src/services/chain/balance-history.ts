// A wallet's balance over time (the Wallet window's chart): its latest balance changes, newest
// `limit` of them, walked back from the current balance.
import { sql } from "drizzle-orm";
import { blocks, transactions, wallets } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { formatAmount, parseAmount } from "./amount.ts";

export const MAX_BALANCE_POINTS = 500;

export type BalancePoint = {
  at: string;
  /** The balance right after this change. */
  balance: string;
  /** Signed change: "-2.50000000" for a payment out. */
  change: string;
  kind: "opened" | "sent" | "received" | "mined";
};

export type BalanceHistory = {
  address: string;
  balance: string;
  /** True when the points reach back to the wallet's opening (fewer than `limit` changes exist). */
  complete: boolean;
  /** Oldest first. */
  points: BalancePoint[];
};

type Row = {
  address: string;
  balance: string;
  opened_at: string | Date;
  at: string | Date | null;
  delta: string | null;
  kind: "sent" | "received" | "mined" | null;
};

const iso = (v: string | Date) => (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * Every change to a wallet's balance is a transfer from or to it (the amount and fee move when the
 * transfer is written, not when it is mined) or a block reward to its address (credited when the
 * block is appended). All chains count: a wallet's balance is one number across them. The current
 * balance and the changes are read by one statement (one snapshot), so walking back from the balance
 * gives each earlier balance exactly. Each branch reads at most `limit` rows through an index
 * (transactions_from_idx, transactions_to_idx, blocks_miner_id_idx).
 */
export async function balanceHistory(db: Database, userId: number, limit: number): Promise<BalanceHistory | undefined> {
  const n = Math.min(Math.max(1, limit), MAX_BALANCE_POINTS);
  const result = await db.execute<Row>(sql`
    with w as (
      select address, balance, created_at from ${wallets} where user_id = ${userId} and is_primary limit 1
    ), moves as (
      (select t.created_at as at, t.id as seq, -(t.amount + t.fee) as delta, 'sent' as kind
         from ${transactions} t join w on t.from_address = w.address order by t.id desc limit ${n})
      union all
      (select t.created_at, t.id, t.amount, 'received'
         from ${transactions} t join w on t.to_address = w.address order by t.id desc limit ${n})
      union all
      (select b.created_at, b.id, b.reward, 'mined'
         from ${blocks} b join w on b.miner_address = w.address
         where b.miner_id = ${userId} and b.reward > 0 order by b.id desc limit ${n})
    ), latest as (
      select * from moves order by at desc, seq desc limit ${n}
    )
    select w.address, w.balance::text as balance, w.created_at as opened_at,
           latest.at, latest.delta::text as delta, latest.kind
      from w left join latest on true
     order by latest.at desc nulls last, latest.seq desc`);
  const rows = result.rows;
  const first = rows[0];
  if (!first) return undefined;
  const changes = rows.filter((r) => r.at !== null && r.delta !== null && r.kind !== null);
  const current = parseAmount(first.balance);
  let balance = current;
  let complete = changes.length < n;
  const points: BalancePoint[] = [];
  for (const r of changes) {
    const text = r.delta!;
    const signed = text.startsWith("-") ? -parseAmount(text.slice(1)) : parseAmount(text);
    points.push({ at: iso(r.at!), balance: formatAmount(balance), change: signedText(signed), kind: r.kind! });
    balance -= signed;
    // Only a balance changed outside the ledger's own writes could walk below zero: stop there.
    if (balance < 0n) {
      complete = false;
      break;
    }
  }
  if (complete) {
    points.push({
      at: iso(first.opened_at),
      balance: formatAmount(balance),
      change: formatAmount(balance),
      kind: "opened",
    });
  }
  return { address: first.address, balance: formatAmount(current), complete, points: points.reverse() };
}

const signedText = (units: bigint) => (units < 0n ? `-${formatAmount(-units)}` : formatAmount(units));
