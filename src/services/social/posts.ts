import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { follows, postLikes, posts, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { KeysetPage } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";

export type PostRow = {
  id: number;
  userId: number;
  username: string;
  avatarUrl: string | null;
  content: string;
  imageUrl: string | null;
  videoUrl: string | null;
  isPublic: boolean;
  likesCount: number;
  commentsCount: number;
  sharesCount: number;
  createdAt: Date;
  updatedAt: Date;
  isLiked: boolean;
};

export type PostInput = { content: string; imageUrl?: string | null; videoUrl?: string | null; isPublic?: boolean };
export type FeedScope = "following" | "public";

export const postNotFound = () => notFound("Post not found");

/** Public posts, plus the viewer's own (private ones included). Someone else's private post does not exist. */
export const visibleTo = (viewerId: number | null): SQL =>
  viewerId === null ? sql`${posts.isPublic}` : or(eq(posts.isPublic, true), eq(posts.userId, viewerId))!;

/** The post columns (+ `extra` computed ones) as seen by the viewer. */
function selectPosts<E extends Record<string, SQL> = Record<never, SQL>>(
  db: Database,
  viewerId: number | null,
  extra?: E,
) {
  return db
    .select({
      ...(extra as E),
      id: posts.id,
      userId: posts.userId,
      username: users.username,
      avatarUrl: users.avatarUrl,
      content: posts.content,
      imageUrl: posts.imageUrl,
      videoUrl: posts.videoUrl,
      isPublic: posts.isPublic,
      likesCount: posts.likesCount,
      commentsCount: posts.commentsCount,
      sharesCount: posts.sharesCount,
      createdAt: posts.createdAt,
      updatedAt: posts.updatedAt,
      isLiked:
        viewerId === null
          ? sql<boolean>`false`
          : sql<boolean>`exists (select 1 from ${postLikes} l where l.post_id = ${posts.id} and l.user_id = ${viewerId})`,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.userId));
}

/** Why a post is in my feed: mine, by someone I follow, or the public fallback (see listFeed). */
export type FeedReason = "own" | "following" | "public";
export type FeedRow = PostRow & { feedReason: FeedReason };

/**
 * The feed, newest first. `following`: my posts and the public posts of the people I follow; while
 * nobody I follow has posted anything public (a new user follows nobody), everyone's public posts
 * fill it, each labelled `public` so the client can say so. `public`: everyone's public posts (the
 * only scope open to anonymous callers). One statement, so pages stay consistent.
 */
export function listFeed(
  db: Database,
  viewerId: number | null,
  scope: FeedScope,
  page: KeysetPage,
): Promise<FeedRow[]> {
  const reason = (r: FeedReason) => sql<FeedReason>`${r}::text`;
  // Keyset (`?before`): the page below the previous page's last post, through the same id order.
  const below = page.before === undefined ? undefined : lt(posts.id, page.before);
  if (scope === "public" || viewerId === null) {
    return selectPosts(db, viewerId, { feedReason: reason("public") })
      .where(and(eq(posts.isPublic, true), below))
      .orderBy(desc(posts.id))
      .limit(page.limit)
      .offset(page.offset);
  }
  const followed = sql`${posts.userId} in (select f.following_id from ${follows} f where f.follower_id = ${viewerId})`;
  // Driven by my follows (follows_pkey), not by a scan of follows that stops at the first match.
  const followedHavePosted = sql`exists (select 1 from ${follows} f where f.follower_id = ${viewerId}
    and exists (select 1 from ${posts} p where p.user_id = f.following_id and p.is_public))`;
  // The page's candidates: the newest `offset + limit` posts of each source through its own index
  // (posts_user_id_idx per author, posts_public_idx for the fallback). Filtering a backward scan of
  // all posts instead read ~3,300 rows per page at 100,000 posts, ten times that at 1,000,000.
  const n = page.offset + page.limit;
  const belowC = page.before === undefined ? sql`` : sql` and c.id < ${page.before}`;
  const candidates = sql`${posts.id} in (
    (select c.id from ${posts} c where c.user_id = ${viewerId}${belowC} order by c.id desc limit ${n})
    union all (select fc.id from ${follows} f cross join lateral (select c.id from ${posts} c
      where c.user_id = f.following_id and c.is_public${belowC} order by c.id desc limit ${n}) fc where f.follower_id = ${viewerId})
    union all (select c.id from ${posts} c where c.is_public and not ${followedHavePosted}${belowC} order by c.id desc limit ${n}))`;
  const feedReason = sql<FeedReason>`case when ${posts.userId} = ${viewerId} then 'own' when ${followed} then 'following' else 'public' end`;
  // Each candidate already is mine, a followed author's public post or (only while the fallback
  // applies) a public one, so the fallback's test runs once, in the candidates; this repeats only
  // the visibility rule, which costs no subquery.
  const visible = or(eq(posts.userId, viewerId), eq(posts.isPublic, true));
  return selectPosts(db, viewerId, { feedReason })
    .where(and(visible, below, candidates))
    .orderBy(desc(posts.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** A user's posts as the viewer may see them, newest first; 404 if the user does not exist. */
export async function listUserPosts(
  db: Database,
  viewerId: number,
  userId: number,
  page: KeysetPage,
): Promise<PostRow[]> {
  const [exists, rows] = await db.batch([
    db.select({ id: users.id }).from(users).where(eq(users.id, userId)),
    selectPosts(db, viewerId)
      .where(
        and(
          eq(posts.userId, userId),
          visibleTo(viewerId),
          page.before === undefined ? undefined : lt(posts.id, page.before),
        ),
      )
      .orderBy(desc(posts.id))
      .limit(page.limit)
      .offset(page.offset),
  ]);
  if (exists.length === 0) throw notFound("User not found");
  return rows;
}

export async function getPost(db: Database, viewerId: number, id: number): Promise<PostRow> {
  const [row] = await selectPosts(db, viewerId).where(and(eq(posts.id, id), visibleTo(viewerId)));
  if (!row) throw postNotFound();
  return row;
}

export async function createPost(db: Database, userId: number, input: PostInput): Promise<PostRow> {
  const [row] = await db
    .insert(posts)
    .values({
      userId,
      content: input.content,
      imageUrl: input.imageUrl ?? null,
      videoUrl: input.videoUrl ?? null,
      isPublic: input.isPublic ?? true,
    })
    .returning({ id: posts.id });
  return getPost(db, userId, row!.id);
}

/** Edits my post (only the fields given). Someone else's post is a 404. */
export async function updatePost(
  db: Database,
  userId: number,
  id: number,
  patch: Partial<PostInput>,
): Promise<PostRow> {
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  if (patch.content !== undefined) set.content = patch.content;
  if (patch.imageUrl !== undefined) set.imageUrl = patch.imageUrl;
  if (patch.videoUrl !== undefined) set.videoUrl = patch.videoUrl;
  if (patch.isPublic !== undefined) set.isPublic = patch.isPublic;
  const mine = and(eq(posts.id, id), eq(posts.userId, userId));
  const [updated, [row]] = await db.batch([
    db.update(posts).set(set).where(mine).returning({ id: posts.id }),
    selectPosts(db, userId).where(mine),
  ]);
  if (updated.length === 0 || !row) throw postNotFound();
  return row;
}

export async function deletePost(db: Database, userId: number, id: number): Promise<void> {
  const deleted = await db
    .delete(posts)
    .where(and(eq(posts.id, id), eq(posts.userId, userId)))
    .returning({ id: posts.id });
  if (deleted.length === 0) throw postNotFound();
}

/**
 * Like / unlike a post I can see. Idempotent and race-free: the (post, user) key makes a second
 * like a no-op, and `likes_count` is maintained by a row trigger in the same transaction, so the
 * count read back in the same batch is exact however many likes run in parallel.
 */
export async function setLike(db: Database, userId: number, postId: number, liked: boolean) {
  const visible = sql`exists (select 1 from ${posts} p where p.id = ${postId} and (p.is_public or p.user_id = ${userId}))`;
  const change = liked
    ? db.execute(
        sql`insert into ${postLikes} (post_id, user_id) select ${postId}, ${userId} where ${visible} on conflict do nothing`,
      )
    : db.execute(sql`delete from ${postLikes} where post_id = ${postId} and user_id = ${userId}`);
  try {
    const [, [row]] = await db.batch([
      change,
      db
        .select({ likesCount: posts.likesCount })
        .from(posts)
        .where(and(eq(posts.id, postId), visibleTo(userId))),
    ]);
    if (!row) throw postNotFound();
    return { liked, likesCount: row.likesCount };
  } catch (err) {
    if (isForeignKeyViolation(err)) throw postNotFound(); // deleted while we liked it
    throw err;
  }
}
