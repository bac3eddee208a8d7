import DataLoader from "dataloader";
import type { Database } from "../../../lib/db.ts";
import type { TransactionRow } from "../../../services/chain/ledger.ts";
import { transactionsOfBlocks } from "../../../services/chain/reads.ts";
import { firstCommentsOfPosts, type PublicUserRow, publicUsers } from "../../../services/social/batch-reads.ts";
import type { CommentRow } from "../../../services/social/comments.ts";

/**
 * One set of DataLoaders per request (never shared: each caches what this viewer may see).
 * Every loader turns all the keys asked for in one tick of execution into one SQL statement.
 */
export function createLoaders(db: Database, chain: string) {
  const commentLoaders = new Map<number, DataLoader<number, CommentRow[]>>();
  return {
    user: new DataLoader<number, PublicUserRow | undefined>(async (ids) => {
      const rows = await publicUsers(db, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id));
    }),
    /** The first `n` comments of posts, batched per `n`. */
    firstComments(n: number) {
      let loader = commentLoaders.get(n);
      if (!loader) {
        loader = new DataLoader<number, CommentRow[]>(async (postIds) => {
          const rows = await firstCommentsOfPosts(db, postIds, n);
          return postIds.map((id) => rows.filter((r) => r.postId === id));
        });
        commentLoaders.set(n, loader);
      }
      return loader;
    },
    /** Transactions of blocks by height: one range query over the heights asked for together. */
    blockTransactions: new DataLoader<number, TransactionRow[]>(async (heights) => {
      const rows = await transactionsOfBlocks(db, chain, Math.min(...heights), Math.max(...heights));
      return heights.map((h) => rows.filter((r) => r.blockHeight === h));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
