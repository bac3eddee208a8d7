import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { users, videoLikes, videos, videoViews } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { Pagination } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";

export type VideoRow = {
  id: number;
  userId: number;
  username: string;
  avatarUrl: string | null;
  title: string;
  description: string | null;
  videoUrl: string;
  thumbnailUrl: string | null;
  category: string | null;
  tags: string[];
  duration: number | null;
  isPublic: boolean;
  viewsCount: number;
  likesCount: number;
  dislikesCount: number;
  commentsCount: number;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date;
  /** The viewer's reaction: true like, false dislike, null none. */
  reaction: boolean | null;
};

export type VideoInput = {
  title: string;
  description?: string | null;
  videoUrl: string;
  thumbnailUrl?: string | null;
  category?: string | null;
  tags?: string[];
  duration?: number | null;
  isPublic?: boolean;
};

export const VIDEO_SORTS = ["newest", "most_viewed"] as const;
export type VideoListQuery = Pagination & {
  category?: string;
  tag?: string;
  sort: (typeof VIDEO_SORTS)[number];
  /** Keyset cursor: the last video's id (newest), with its views_count (most_viewed). */
  before?: { views?: number; id: number };
};

export const videoNotFound = () => notFound("Video not found");

/** Public videos and my own; someone else's private video does not exist for me. */
export const videoVisibleTo = (viewerId: number): SQL => or(eq(videos.isPublic, true), eq(videos.userId, viewerId))!;

function selectVideos(db: Database, viewerId: number) {
  return db
    .select({
      id: videos.id,
      userId: videos.userId,
      username: users.username,
      avatarUrl: users.avatarUrl,
      title: videos.title,
      description: videos.description,
      videoUrl: videos.videoUrl,
      thumbnailUrl: videos.thumbnailUrl,
      category: videos.category,
      tags: videos.tags,
      duration: videos.duration,
      isPublic: videos.isPublic,
      viewsCount: videos.viewsCount,
      likesCount: videos.likesCount,
      dislikesCount: videos.dislikesCount,
      commentsCount: videos.commentsCount,
      createdAt: videos.createdAt,
      updatedAt: videos.updatedAt,
      publishedAt: videos.publishedAt,
      reaction: sql<
        boolean | null
      >`(select l.is_like from ${videoLikes} l where l.video_id = ${videos.id} and l.user_id = ${viewerId})`,
    })
    .from(videos)
    .innerJoin(users, eq(users.id, videos.userId));
}

/** Public videos, filtered by category (case-insensitive) and/or tag, newest or most viewed first. */
export function listVideos(db: Database, viewerId: number, q: VideoListQuery): Promise<VideoRow[]> {
  const filters: SQL[] = [eq(videos.isPublic, true)];
  if (q.category) filters.push(sql`lower(${videos.category}) = ${q.category.toLowerCase()}`);
  if (q.tag) filters.push(sql`${videos.tags} @> array[${q.tag}]::text[]`);
  const order = q.sort === "most_viewed" ? [desc(videos.viewsCount), desc(videos.id)] : [desc(videos.id)];
  // Keyset: below the cursor in the list's order, on videos_public_most_viewed_idx (views_count, id)
  // or videos_public_newest_idx (id). A video viewed during a walk may move up past the cursor: it
  // comes at most once.
  if (q.before)
    filters.push(
      q.sort === "most_viewed"
        ? sql`(${videos.viewsCount}, ${videos.id}) < (${q.before.views ?? 0}::int, ${q.before.id}::int)`
        : lt(videos.id, q.before.id),
    );
  return selectVideos(db, viewerId)
    .where(and(...filters))
    .orderBy(...order)
    .limit(q.limit)
    .offset(q.offset);
}

/** My videos, private ones included, newest first (`before`: keyset on videos_user_id_idx). */
export function listMyVideos(
  db: Database,
  userId: number,
  page: Pagination & { before?: number },
): Promise<VideoRow[]> {
  return selectVideos(db, userId)
    .where(and(eq(videos.userId, userId), page.before === undefined ? undefined : lt(videos.id, page.before)))
    .orderBy(desc(videos.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function findVideo(db: Database, viewerId: number, id: number): Promise<VideoRow> {
  const [row] = await selectVideos(db, viewerId).where(and(eq(videos.id, id), videoVisibleTo(viewerId)));
  if (!row) throw videoNotFound();
  return row;
}

/**
 * Opens a video and counts the view: at most one per viewer per clock hour, enforced by the unique
 * (video, viewer, hour) index (a repeat is ON CONFLICT DO NOTHING), with `views_count` kept by
 * trigger. One round trip; `counted` tells the caller whether the count moved.
 */
export async function viewVideo(
  db: Database,
  viewerId: number,
  id: number,
): Promise<{ video: VideoRow; counted: boolean }> {
  try {
    const [view, [row]] = await db.batch([
      db.execute<{ id: number }>(sql`
        insert into ${videoViews} (video_id, user_id, viewed_hour)
        select v.id, ${viewerId}, date_trunc('hour', now()) from ${videos} v
        where v.id = ${id} and (v.is_public or v.user_id = ${viewerId})
        on conflict do nothing
        returning id`),
      selectVideos(db, viewerId).where(and(eq(videos.id, id), videoVisibleTo(viewerId))),
    ]);
    if (!row) throw videoNotFound();
    return { video: row, counted: view.rows.length > 0 };
  } catch (err) {
    if (isForeignKeyViolation(err)) throw videoNotFound();
    throw err;
  }
}

export async function createVideo(db: Database, userId: number, input: VideoInput): Promise<VideoRow> {
  const [row] = await db
    .insert(videos)
    .values({
      userId,
      title: input.title,
      description: input.description ?? null,
      videoUrl: input.videoUrl,
      thumbnailUrl: input.thumbnailUrl ?? null,
      category: input.category ?? null,
      tags: input.tags ?? [],
      duration: input.duration ?? null,
      isPublic: input.isPublic ?? true,
    })
    .returning({ id: videos.id });
  return findVideo(db, userId, row!.id);
}

/** Edits my video (only the fields given); someone else's is a 404. */
export async function updateVideo(
  db: Database,
  userId: number,
  id: number,
  patch: Partial<VideoInput>,
): Promise<VideoRow> {
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  for (const key of [
    "title",
    "description",
    "videoUrl",
    "thumbnailUrl",
    "category",
    "tags",
    "duration",
    "isPublic",
  ] as const) {
    if (patch[key] !== undefined) set[key] = patch[key];
  }
  const mine = and(eq(videos.id, id), eq(videos.userId, userId));
  const [updated, [row]] = await db.batch([
    db.update(videos).set(set).where(mine).returning({ id: videos.id }),
    selectVideos(db, userId).where(mine),
  ]);
  if (updated.length === 0 || !row) throw videoNotFound();
  return row;
}

export async function deleteVideo(db: Database, userId: number, id: number): Promise<void> {
  const deleted = await db
    .delete(videos)
    .where(and(eq(videos.id, id), eq(videos.userId, userId)))
    .returning({ id: videos.id });
  if (deleted.length === 0) throw videoNotFound();
}
