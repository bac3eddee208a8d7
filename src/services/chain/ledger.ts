// RoadChain ledger basics: the row and head types, the query handle, and which chain a request
// works on. The rest of the ledger is split by what it does: views.ts (the public JSON form),
// reads.ts and stats.ts (queries), block-writer.ts (the one write that appends a block, used only
// by the RoadChain Durable Object).
//
// Transaction order inside a block is ascending transaction id: pending transactions are mined
// in that order, the merkle root covers their hashes in that order, and every reader (views,
// /verify, third parties using GET /blocks/{height}) lists them in that order.
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "../../db/schema/index.ts";
import type { blocks, transactions } from "../../db/schema/index.ts";
import { MAIN_CHAIN } from "../../lib/constants.ts";

/** Anything that runs queries: the request's database or an open transaction. */
export type Queryable = PgDatabase<PgQueryResultHKT, typeof schema>;

export type BlockRow = typeof blocks.$inferSelect;
export type TransactionRow = typeof transactions.$inferSelect;

/** The head of a chain: what the Durable Object stores and compares. */
export type ChainHead = { height: number; hash: string; timestamp: number };

export { MAIN_CHAIN };

/** Test chains: "t_" + up to 29 lowercase letters, digits or underscores (see resolveChain). */
const TEST_CHAIN_RE = /^t_[a-z0-9_]{1,29}$/;
export const TEST_CHAIN_HEADER = "X-Test-Chain";

/**
 * The chain a request works on. Always "main", except under ENVIRONMENT=test, where the
 * X-Test-Chain header selects an isolated chain (its own rows and its own Durable Object) so that
 * tests can tamper with or race a chain without disturbing each other. Ignored everywhere else.
 */
export function resolveChain(environment: string, header: string | undefined): string {
  if (environment === "test" && header !== undefined && TEST_CHAIN_RE.test(header)) return header;
  return MAIN_CHAIN;
}
