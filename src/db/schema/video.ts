import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { tsvector } from "./search.ts";
import { users } from "./users.ts";

/**
 * BlackStream videos (records with URLs; no binary upload). The four counters are kept by row
 * triggers on `video_views`, `video_likes` and `video_comments` (migration `social_video_counters`).
 */
export const videos = pgTable(
  "videos",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 255 }).notNull(),
    description: text("description"),
    videoUrl: varchar("video_url", { length: 2048 }).notNull(),
    thumbnailUrl: varchar("thumbnail_url", { length: 2048 }),
    category: varchar("category", { length: 100 }),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    duration: integer("duration"),
    isPublic: boolean("is_public").notNull().default(true),
    viewsCount: integer("views_count").notNull().default(0),
    likesCount: integer("likes_count").notNull().default(0),
    dislikesCount: integer("dislikes_count").notNull().default(0),
    commentsCount: integer("comments_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('blackroad_search', left(coalesce(title, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(description, ''), 100000)), 'B') || setweight(to_tsvector('blackroad_search', left(coalesce(category, '') || ' ' || search_words(tags), 100000)), 'C')`,
    ),
  },
  (t) => [
    index("videos_user_id_idx").on(t.userId, t.id),
    index("videos_public_newest_idx").on(t.id).where(sql`${t.isPublic}`),
    index("videos_public_most_viewed_idx").on(t.viewsCount, t.id).where(sql`${t.isPublic}`),
    index("videos_category_idx").on(sql`lower(${t.category})`, t.id),
    index("videos_tags_idx").using("gin", t.tags),
    index("videos_search_idx").using("gin", t.searchVector),
    check("videos_views_count_non_negative", sql`${t.viewsCount} >= 0`),
    check("videos_likes_count_non_negative", sql`${t.likesCount} >= 0`),
    check("videos_dislikes_count_non_negative", sql`${t.dislikesCount} >= 0`),
    check("videos_comments_count_non_negative", sql`${t.commentsCount} >= 0`),
    check("videos_duration_non_negative", sql`${t.duration} is null or ${t.duration} >= 0`),
  ],
);

/** A counted view: at most one per viewer per clock hour (the unique index does the counting rule). */
export const videoViews = pgTable(
  "video_views",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    videoId: integer("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    viewedHour: timestamp("viewed_hour", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("video_views_viewer_hour_key").on(t.videoId, t.userId, t.viewedHour),
    index("video_views_user_id_idx").on(t.userId),
  ],
);

/** One reaction per user per video: `is_like` true = like, false = dislike. */
export const videoLikes = pgTable(
  "video_likes",
  {
    videoId: integer("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    isLike: boolean("is_like").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "video_likes_pkey", columns: [t.videoId, t.userId] }),
    index("video_likes_user_id_idx").on(t.userId),
  ],
);

export const videoComments = pgTable(
  "video_comments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    videoId: integer("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("video_comments_video_id_idx").on(t.videoId, t.id), index("video_comments_user_id_idx").on(t.userId)],
);
