import { asc, eq, inArray, lte, sql } from "drizzle-orm";
import { postComments, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import type { CommentRow } from "./comments.ts";

/**
 * Batched reads for clients that ask for many things at once (GraphQL's DataLoaders): one
 * statement for any number of keys, so a page of posts costs the same whatever its size.
 */

/** A user's public profile fields (what any signed-in user may see), without counts. */
export type PublicUserRow = {
  id: number;
  username: string;
  fullName: string | null;
  avatarUrl: string | null;
  bio: string | null;
  createdAt: Date;
};

/** Public profiles of these users, in one statement (missing ids are simply absent). */
export function publicUsers(db: Database, ids: readonly number[]): Promise<PublicUserRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select({
      id: users.id,
      username: users.username,
      fullName: users.fullName,
      avatarUrl: users.avatarUrl,
      bio: users.bio,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(inArray(users.id, [...ids]));
}

/**
 * The first `n` comments of each of these posts, in listComments' order (each top-level comment
 * followed by its replies), in one statement. The caller has already checked the viewer may see
 * the posts (they came from the feed or getPost, which apply `visibleTo`).
 */
export async function firstCommentsOfPosts(db: Database, postIds: readonly number[], n: number): Promise<CommentRow[]> {
  if (postIds.length === 0) return [];
  const ranked = db
    .select({
      id: postComments.id,
      rank: sql<number>`row_number() over (partition by ${postComments.postId}
        order by coalesce(${postComments.parentId}, ${postComments.id}), ${postComments.id})`.as("rank"),
    })
    .from(postComments)
    .where(inArray(postComments.postId, [...postIds]))
    .as("ranked");
  return db
    .select({
      id: postComments.id,
      postId: postComments.postId,
      userId: postComments.userId,
      username: users.username,
      avatarUrl: users.avatarUrl,
      parentId: postComments.parentId,
      content: postComments.content,
      likesCount: postComments.likesCount,
      createdAt: postComments.createdAt,
    })
    .from(postComments)
    .innerJoin(ranked, eq(ranked.id, postComments.id))
    .innerJoin(users, eq(users.id, postComments.userId))
    .where(lte(ranked.rank, n))
    .orderBy(asc(postComments.postId), asc(ranked.rank));
}
