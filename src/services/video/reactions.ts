import { and, eq, gt, or, sql } from "drizzle-orm";
import { users, videoComments, videoLikes, videos } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { Pagination } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";
import { videoNotFound, videoVisibleTo } from "./videos.ts";

export type ReactionResult = { liked: boolean | null; likesCount: number; dislikesCount: number };

/**
 * The original's like/dislike toggle, made race-free. Sending the reaction I already have removes
 * it; sending the other one switches it; sending one when I have none sets it. `liked` in the result
 * is my reaction afterwards (true like, false dislike, null none) — the original answered null after
 * a switch, which hid the new state.
 *
 * One batch = one transaction: a per-(video, user) advisory lock serialises my concurrent toggles
 * (each statement then sees the previous toggle committed, so N toggles behave like N in a row), the
 * unique (video, user) key allows one reaction row, and the counters move by trigger.
 */
export async function toggleReaction(
  db: Database,
  userId: number,
  videoId: number,
  isLike: boolean,
): Promise<ReactionResult> {
  const visible = sql`exists (select 1 from ${videos} v where v.id = ${videoId} and (v.is_public or v.user_id = ${userId}))`;
  const mine = sql`video_id = ${videoId} and user_id = ${userId}`;
  try {
    const [, , [row]] = await db.batch([
      db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`video-reaction:${videoId}:${userId}`}, 0))`),
      db.execute(sql`
        with removed as (
          delete from ${videoLikes} where ${mine} and is_like = ${isLike} and ${visible} returning 1
        ), switched as (
          update ${videoLikes} set is_like = ${isLike}, created_at = now() where ${mine} and is_like <> ${isLike} and ${visible} returning 1
        )
        insert into ${videoLikes} (video_id, user_id, is_like)
        select ${videoId}::int, ${userId}::int, ${isLike}::boolean
        where ${visible} and not exists (select 1 from ${videoLikes} where ${mine})
        on conflict do nothing`),
      db
        .select({
          likesCount: videos.likesCount,
          dislikesCount: videos.dislikesCount,
          liked: sql<
            boolean | null
          >`(select l.is_like from ${videoLikes} l where l.video_id = ${videoId} and l.user_id = ${userId})`,
        })
        .from(videos)
        .where(and(eq(videos.id, videoId), videoVisibleTo(userId))),
    ]);
    if (!row) throw videoNotFound();
    return row;
  } catch (err) {
    if (isForeignKeyViolation(err)) throw videoNotFound();
    throw err;
  }
}

export type VideoCommentRow = {
  id: number;
  videoId: number;
  userId: number;
  username: string;
  avatarUrl: string | null;
  content: string;
  createdAt: Date;
};

function selectComments(db: Database) {
  return db
    .select({
      id: videoComments.id,
      videoId: videoComments.videoId,
      userId: videoComments.userId,
      username: users.username,
      avatarUrl: users.avatarUrl,
      content: videoComments.content,
      createdAt: videoComments.createdAt,
    })
    .from(videoComments)
    .innerJoin(users, eq(users.id, videoComments.userId));
}

export async function listVideoComments(
  db: Database,
  viewerId: number,
  videoId: number,
  page: Pagination & { after?: number },
): Promise<VideoCommentRow[]> {
  const [video, rows] = await db.batch([
    db
      .select({ id: videos.id })
      .from(videos)
      .where(and(eq(videos.id, videoId), videoVisibleTo(viewerId))),
    selectComments(db)
      // `after`: keyset on video_comments_video_id_idx (video_id, id).
      .where(
        and(
          eq(videoComments.videoId, videoId),
          page.after === undefined ? undefined : gt(videoComments.id, page.after),
        ),
      )
      .orderBy(videoComments.id)
      .limit(page.limit)
      .offset(page.offset),
  ]);
  if (video.length === 0) throw videoNotFound();
  return rows;
}

/** A comment on a video I can see; `comments_count` follows by trigger. */
export async function addVideoComment(
  db: Database,
  userId: number,
  videoId: number,
  content: string,
): Promise<VideoCommentRow> {
  let inserted: { rows: Array<{ id: number }> };
  try {
    inserted = await db.execute<{ id: number }>(sql`
      insert into ${videoComments} (video_id, user_id, content)
      select v.id, ${userId}, ${content} from ${videos} v
      where v.id = ${videoId} and (v.is_public or v.user_id = ${userId})
      returning id`);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw videoNotFound();
    throw err;
  }
  const id = inserted.rows[0]?.id;
  if (id === undefined) throw videoNotFound();
  const [row] = await selectComments(db).where(eq(videoComments.id, Number(id)));
  if (!row) throw videoNotFound();
  return row;
}

/** My comment, or any comment on my video. */
export async function deleteVideoComment(
  db: Database,
  userId: number,
  videoId: number,
  commentId: number,
): Promise<void> {
  const deleted = await db
    .delete(videoComments)
    .where(
      and(
        eq(videoComments.id, commentId),
        eq(videoComments.videoId, videoId),
        or(
          eq(videoComments.userId, userId),
          sql`exists (select 1 from ${videos} v where v.id = video_comments.video_id and v.user_id = ${userId})`,
        ),
      ),
    )
    .returning({ id: videoComments.id });
  if (deleted.length === 0) throw notFound("Comment not found");
}
