import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  varchar,
} from "drizzle-orm/pg-core";
import { tsvector } from "./search.ts";
import { users } from "./users.ts";

/**
 * Posts. `likes_count` and `comments_count` are kept by row triggers on `post_likes` and
 * `post_comments` (migration `social_video_counters`), so they stay exact under concurrency and
 * cascades (a deleted user's likes), and the CHECKs make a negative count an error, not data.
 */
export const posts = pgTable(
  "posts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    imageUrl: varchar("image_url", { length: 2048 }),
    videoUrl: varchar("video_url", { length: 2048 }),
    isPublic: boolean("is_public").notNull().default(true),
    likesCount: integer("likes_count").notNull().default(0),
    commentsCount: integer("comments_count").notNull().default(0),
    sharesCount: integer("shares_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('blackroad_search', left(coalesce(content, ''), 100000)), 'B')`,
    ),
  },
  (t) => [
    index("posts_user_id_idx").on(t.userId, t.id),
    index("posts_public_idx").on(t.id).where(sql`${t.isPublic}`),
    index("posts_search_idx").using("gin", t.searchVector),
    check("posts_likes_count_non_negative", sql`${t.likesCount} >= 0`),
    check("posts_comments_count_non_negative", sql`${t.commentsCount} >= 0`),
    check("posts_shares_count_non_negative", sql`${t.sharesCount} >= 0`),
  ],
);

/** One like per user per post: the primary key is what makes liking idempotent and race-free. */
export const postLikes = pgTable(
  "post_likes",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "post_likes_pkey", columns: [t.postId, t.userId] }),
    index("post_likes_user_id_idx").on(t.userId),
  ],
);

/** Comments with one level of replies (`parent_id` always points at a top-level comment). */
export const postComments = pgTable(
  "post_comments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    parentId: integer("parent_id").references((): AnyPgColumn => postComments.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    likesCount: integer("likes_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("post_comments_post_id_idx").on(t.postId, t.id),
    // A post's comments in thread order (each top-level comment, then its replies), and their keyset
    // (`?after=<thread>.<id>`): GET /api/social/posts/{id}/comments.
    index("post_comments_post_thread_idx").on(t.postId, sql`coalesce(parent_id, id)`, t.id),
    index("post_comments_parent_id_idx").on(t.parentId),
    index("post_comments_user_id_idx").on(t.userId),
    check("post_comments_likes_count_non_negative", sql`${t.likesCount} >= 0`),
  ],
);

/** Who follows whom. The key makes following idempotent; the CHECK forbids following oneself. */
export const follows = pgTable(
  "follows",
  {
    followerId: integer("follower_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    followingId: integer("following_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The order follows were made in: the followers/following lists' order and keyset cursor.
    id: integer("id").notNull().generatedAlwaysAsIdentity(),
  },
  (t) => [
    primaryKey({ name: "follows_pkey", columns: [t.followerId, t.followingId] }),
    index("follows_following_id_idx").on(t.followingId, t.followerId),
    // Followers and following, newest first, and their keyset (`?before=<follow_id>`).
    index("follows_following_order_idx").on(t.followingId, t.id),
    index("follows_follower_order_idx").on(t.followerId, t.id),
    check("follows_not_self", sql`${t.followerId} <> ${t.followingId}`),
  ],
);
