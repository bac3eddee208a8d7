import { and, desc, eq, lt, sql } from "drizzle-orm";
import { follows, posts, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { badRequest, notFound } from "../../lib/errors.ts";
import type { KeysetPage } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";

export type ProfileRow = {
  id: number;
  username: string;
  fullName: string | null;
  avatarUrl: string | null;
  bio: string | null;
  createdAt: Date;
  postsCount: number;
  followersCount: number;
  followingCount: number;
  isFollowing: boolean;
  followsYou: boolean;
};

export type PersonRow = {
  id: number;
  username: string;
  fullName: string | null;
  avatarUrl: string | null;
  followedAt: Date;
  /** The follow's id: the list's order and keyset cursor. */
  followId: number;
};

const userNotFound = () => notFound("User not found");
const followersOf = (userId: number) =>
  sql<number>`(select count(*) from ${follows} f where f.following_id = ${userId})::int`;

/**
 * Follow / unfollow: idempotent (the (follower, following) key), never myself (400, and a CHECK
 * behind it). The follower count is counted, not stored, so it cannot drift.
 */
export async function setFollow(db: Database, userId: number, targetId: number, following: boolean) {
  if (userId === targetId) throw badRequest("Cannot follow yourself", "cannot-follow-self");
  const change = following
    ? db.execute(sql`insert into ${follows} (follower_id, following_id) select ${userId}, ${targetId}
        where exists (select 1 from ${users} u where u.id = ${targetId}) on conflict do nothing`)
    : db.execute(sql`delete from ${follows} where follower_id = ${userId} and following_id = ${targetId}`);
  try {
    const [, [row]] = await db.batch([
      change,
      db
        .select({ followersCount: followersOf(targetId) })
        .from(users)
        .where(eq(users.id, targetId)),
    ]);
    if (!row) throw userNotFound();
    return { following, followersCount: row.followersCount };
  } catch (err) {
    if (isForeignKeyViolation(err)) throw userNotFound();
    throw err;
  }
}

/** A user's public profile with counts (posts the viewer can see, followers, following). */
export async function getProfile(db: Database, viewerId: number, userId: number): Promise<ProfileRow> {
  // Subqueries use the id parameter, not users.id: drizzle renders a single-table select's columns
  // unqualified, and inside `from posts p` a bare "id" would mean p.id.
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      fullName: users.fullName,
      avatarUrl: users.avatarUrl,
      bio: users.bio,
      createdAt: users.createdAt,
      postsCount: sql<number>`(select count(*) from ${posts} p where p.user_id = ${userId} and (p.is_public or p.user_id = ${viewerId}))::int`,
      followersCount: followersOf(userId),
      followingCount: sql<number>`(select count(*) from ${follows} f where f.follower_id = ${userId})::int`,
      isFollowing: sql<boolean>`exists (select 1 from ${follows} f where f.follower_id = ${viewerId} and f.following_id = ${userId})`,
      followsYou: sql<boolean>`exists (select 1 from ${follows} f where f.follower_id = ${userId} and f.following_id = ${viewerId})`,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw userNotFound();
  return row;
}

/**
 * Who follows `userId` (direction "followers") or whom `userId` follows ("following"), newest first
 * by the follow's id (follows_following_order_idx / follows_follower_order_idx). `before` is the
 * keyset cursor: the last row's `followId`.
 */
export async function listPeople(
  db: Database,
  userId: number,
  direction: "followers" | "following",
  page: KeysetPage,
): Promise<PersonRow[]> {
  const [self, other] =
    direction === "followers" ? [follows.followingId, follows.followerId] : [follows.followerId, follows.followingId];
  const [exists, rows] = await db.batch([
    db.select({ id: users.id }).from(users).where(eq(users.id, userId)),
    db
      .select({
        id: users.id,
        username: users.username,
        fullName: users.fullName,
        avatarUrl: users.avatarUrl,
        followedAt: follows.createdAt,
        followId: follows.id,
      })
      .from(follows)
      .innerJoin(users, eq(users.id, other))
      .where(and(eq(self, userId), page.before === undefined ? undefined : lt(follows.id, page.before)))
      .orderBy(desc(follows.id))
      .limit(page.limit)
      .offset(page.offset),
  ]);
  if (exists.length === 0) throw userNotFound();
  return rows;
}
