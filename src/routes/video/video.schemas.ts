import { z } from "@hono/zod-openapi";
import { KeysetQuery, MAX_CURSOR, PaginationQuery } from "../../lib/pagination.ts";
import { idParam } from "../../lib/params.ts";
import type { VideoCommentRow } from "../../services/video/reactions.ts";
import { VIDEO_SORTS, type VideoRow } from "../../services/video/videos.ts";
import { HttpUrl, OptionalUrl } from "../social/social.schemas.ts";

export const MAX_TAGS = 20;
const MAX_TAG_CHARS = 50;
const MAX_DURATION_S = 7 * 24 * 3600;

/** A tag as stored and matched: trimmed, lower-case. */
const Tag = z.string().trim().toLowerCase().max(MAX_TAG_CHARS, `tags are limited to ${MAX_TAG_CHARS} characters`);

/**
 * `tags`: a list, or the original's comma-separated string. Stored trimmed, lower-case, without
 * empties or duplicates.
 */
const Tags = z
  .union([
    z
      .string()
      .max(MAX_TAGS * (MAX_TAG_CHARS + 1))
      .transform((s) => s.split(",")),
    z.array(z.string()).max(MAX_TAGS * 2),
  ])
  .pipe(z.array(Tag))
  .transform((tags) => [...new Set(tags.filter((t) => t.length > 0))])
  .pipe(z.array(z.string()).max(MAX_TAGS, `at most ${MAX_TAGS} tags`))
  .openapi({ description: "A list, or a comma-separated string", example: ["travel", "bay"] });

const Category = z.string().trim().max(100).openapi({ example: "travel" });

export const VideoIdParams = z.object({ id: idParam("id") });
export const VideoCommentParams = z.object({ id: idParam("id"), commentId: idParam("commentId") });

export const VideoListQuery = PaginationQuery.extend({
  category: Category.min(1).optional(),
  tag: Tag.min(1).optional(),
  sort: z.enum(VIDEO_SORTS).default("newest"),
  before: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,9})(\.[1-9][0-9]{0,9})?$/, "before must be the X-Next-Cursor of the previous page")
    .transform((v) => {
      const [a, b] = v.split(".").map(Number) as [number, number | undefined];
      return b === undefined ? { id: a } : { views: a, id: b };
    })
    .pipe(z.object({ views: z.number().max(MAX_CURSOR).optional(), id: z.number().min(1).max(MAX_CURSOR) }))
    .optional()
    .openapi({
      type: "string",
      description:
        "Keyset cursor, the X-Next-Cursor header of the previous page: `<id>` with sort=newest (only videos below that id), `<views_count>.<id>` with sort=most_viewed. Flat cost at any depth; prefer it to `offset`",
      example: "1200",
    }),
});
/** `?limit&offset&before`, `before` a video id (the X-Next-Cursor of the previous page). */
export const MyVideosQuery = KeysetQuery;
/** `?limit&offset&after`: `after` is the X-Next-Cursor of the previous page (its last comment's id). */
export const VideoCommentsQuery = PaginationQuery.extend({
  after: z.coerce.number().int().min(1).max(MAX_CURSOR).optional().openapi({
    description:
      "Keyset cursor: only comments after this one (the X-Next-Cursor header of the previous page, its last comment's id). Flat cost at any depth; prefer it to `offset`",
    example: 1200,
  }),
});

export const ReactionQuery = z.object({
  // The original (FastAPI) also accepted 1/0, yes/no and on/off, in any case.
  is_like: z
    .string()
    .default("true")
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"], "is_like must be true or false"))
    .transform((v) => ["true", "1", "yes", "on"].includes(v))
    .openapi({ type: "boolean", description: "true: like (default), false: dislike", example: true }),
});

const VideoFields = {
  title: z.string().trim().min(1, "title must not be empty").max(255).openapi({ example: "Sunrise timelapse" }),
  description: z.string().max(5_000).nullish(),
  video_url: HttpUrl.openapi({ example: "https://cdn.example.com/v/sunrise.mp4" }),
  thumbnail_url: OptionalUrl,
  category: Category.nullish(),
  tags: Tags.nullish(),
  duration: z.number().int().min(0).max(MAX_DURATION_S).nullish().openapi({ description: "Seconds" }),
  is_public: z.boolean().optional(),
};

export const CreateVideoBody = z.strictObject(VideoFields).openapi("CreateVideo");
export const UpdateVideoBody = z
  .strictObject({ ...VideoFields, title: VideoFields.title.optional(), video_url: VideoFields.video_url.optional() })
  .openapi("UpdateVideo");

export const CreateVideoCommentBody = z
  .strictObject({
    content: z.string().trim().min(1, "content must not be empty").max(2_000).openapi({ example: "Lovely light." }),
  })
  .openapi("CreateVideoComment");

export const VideoSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    username: z.string(),
    avatar_url: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    thumbnail_url: z.string().nullable(),
    video_url: z.string(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    duration: z.number().int().nullable(),
    views_count: z.number().int(),
    likes_count: z.number().int(),
    dislikes_count: z.number().int(),
    comments_count: z.number().int(),
    is_public: z.boolean(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
    published_at: z.string().openapi({ format: "date-time" }),
    is_liked: z.boolean().openapi({ description: "I like it (a dislike is not a like)" }),
    is_disliked: z.boolean(),
  })
  .openapi("Video");

export const ReactionSchema = z
  .object({
    liked: z
      .boolean()
      .nullable()
      .openapi({ description: "My reaction afterwards: true like, false dislike, null none" }),
    likes_count: z.number().int(),
    dislikes_count: z.number().int(),
  })
  .openapi("VideoReaction");

export const VideoCommentSchema = z
  .object({
    id: z.number().int(),
    video_id: z.number().int(),
    user_id: z.number().int(),
    username: z.string(),
    avatar_url: z.string().nullable(),
    content: z.string(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("VideoComment");

export const videoJson = (v: VideoRow): z.infer<typeof VideoSchema> => ({
  id: v.id,
  user_id: v.userId,
  username: v.username,
  avatar_url: v.avatarUrl,
  title: v.title,
  description: v.description,
  thumbnail_url: v.thumbnailUrl,
  video_url: v.videoUrl,
  category: v.category,
  tags: v.tags,
  duration: v.duration,
  views_count: v.viewsCount,
  likes_count: v.likesCount,
  dislikes_count: v.dislikesCount,
  comments_count: v.commentsCount,
  is_public: v.isPublic,
  created_at: v.createdAt.toISOString(),
  updated_at: v.updatedAt.toISOString(),
  published_at: v.publishedAt.toISOString(),
  is_liked: v.reaction === true,
  is_disliked: v.reaction === false,
});

export const videoCommentJson = (c: VideoCommentRow): z.infer<typeof VideoCommentSchema> => ({
  id: c.id,
  video_id: c.videoId,
  user_id: c.userId,
  username: c.username,
  avatar_url: c.avatarUrl,
  content: c.content,
  created_at: c.createdAt.toISOString(),
});
