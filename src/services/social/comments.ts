import { and, eq, or, sql } from "drizzle-orm";
import { postComments, posts, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { Pagination } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";
import { postNotFound, visibleTo } from "./posts.ts";

export type CommentRow = {
  id: number;
  postId: number;
  userId: number;
  username: string;
  avatarUrl: string | null;
  parentId: number | null;
  content: string;
  likesCount: number;
  createdAt: Date;
};

const commentNotFound = () => notFound("Comment not found");

function selectComments(db: Database) {
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
    .innerJoin(users, eq(users.id, postComments.userId));
}

/** Where a comment sits in a post's thread order: its thread (top-level comment's id), then its id. */
export type CommentKey = { thread: number; id: number };

/** A comment's place in the thread order (the keyset cursor of the comments list). */
export const commentKey = (c: { id: number; parentId: number | null }): CommentKey => ({
  thread: c.parentId ?? c.id,
  id: c.id,
});

/**
 * Comments of a post I can see, oldest first, each top-level comment followed by its replies
 * (one level), so a page never splits a reply from its parent's order. `after` is the keyset
 * cursor (the last comment's place, see commentKey), on post_comments_post_thread_idx: the next page
 * is what follows it, so replies or comments written meanwhile neither repeat nor hide a comment.
 */
export async function listComments(
  db: Database,
  viewerId: number,
  postId: number,
  page: Pagination & { after?: CommentKey },
): Promise<CommentRow[]> {
  const thread = sql`coalesce(${postComments.parentId}, ${postComments.id})`;
  const after = page.after && sql`(${thread}, ${postComments.id}) > (${page.after.thread}::int, ${page.after.id}::int)`;
  const [post, rows] = await db.batch([
    db
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.id, postId), visibleTo(viewerId))),
    selectComments(db)
      .where(and(eq(postComments.postId, postId), after))
      .orderBy(thread, postComments.id)
      .limit(page.limit)
      .offset(page.offset),
  ]);
  if (post.length === 0) throw postNotFound();
  return rows;
}

/**
 * Comments on a post I can see. A reply to a reply is attached to the top-level comment, so threads
 * stay one level deep. `comments_count` follows by trigger, in the same transaction.
 */
export async function addComment(
  db: Database,
  userId: number,
  postId: number,
  input: { content: string; parentId?: number | null },
): Promise<CommentRow> {
  const parentId = input.parentId ?? null;
  let inserted: { rows: Array<{ id: number }> };
  try {
    inserted = await db.execute<{ id: number }>(sql`
      insert into ${postComments} (post_id, user_id, parent_id, content)
      select p.id, ${userId},
             (select coalesce(c.parent_id, c.id) from ${postComments} c where c.id = ${parentId}::int and c.post_id = p.id),
             ${input.content}
      from ${posts} p
      where p.id = ${postId} and (p.is_public or p.user_id = ${userId})
        and (${parentId}::int is null or exists (select 1 from ${postComments} c where c.id = ${parentId}::int and c.post_id = p.id))
      returning id`);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw postNotFound(); // the post or parent was deleted meanwhile
    throw err;
  }
  const id = inserted.rows[0]?.id;
  if (id === undefined) {
    const [post] = await db
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.id, postId), visibleTo(userId)));
    throw post ? notFound("Parent comment not found on this post") : postNotFound();
  }
  const [row] = await selectComments(db).where(eq(postComments.id, Number(id)));
  if (!row) throw commentNotFound();
  return row;
}

/** My comment, or any comment on my post (moderation). Its replies go with it. */
export async function deleteComment(db: Database, userId: number, postId: number, commentId: number): Promise<void> {
  const deleted = await db
    .delete(postComments)
    .where(
      and(
        eq(postComments.id, commentId),
        eq(postComments.postId, postId),
        or(
          eq(postComments.userId, userId),
          sql`exists (select 1 from ${posts} p where p.id = post_comments.post_id and p.user_id = ${userId})`,
        ),
      ),
    )
    .returning({ id: postComments.id });
  if (deleted.length === 0) throw commentNotFound();
}
