import { z } from "@hono/zod-openapi";
import { KeysetQuery, MAX_CURSOR, PaginationQuery } from "../../lib/pagination.ts";
import { idParam } from "../../lib/params.ts";
import type { CommentRow } from "../../services/social/comments.ts";
import type { PersonRow, ProfileRow } from "../../services/social/people.ts";
import type { FeedRow, PostRow } from "../../services/social/posts.ts";

export const MAX_POST_CHARS = 5_000;
export const MAX_COMMENT_CHARS = 2_000;
export const MAX_URL_CHARS = 2_048;

/** An http(s) URL with a real host name; `javascript:`, `data:`, `ftp:` and friends are a 422. */
export const HttpUrl = z
  .httpUrl("must be an http or https URL")
  .max(MAX_URL_CHARS, `URLs are limited to ${MAX_URL_CHARS} characters`)
  .openapi({ example: "https://example.com/picture.jpg" });

/** Optional URL: absent, null or "" (the original's clients send empty strings) all mean none. */
export const OptionalUrl = z
  .union([z.literal("").transform(() => null), HttpUrl])
  .nullish()
  .openapi({ example: "https://example.com/picture.jpg" });

const Content = (max: number) =>
  z.string().trim().min(1, "content must not be empty").max(max, `content is limited to ${max} characters`);

export const PostIdParams = z.object({ id: idParam("id") });
export const UserIdParams = z.object({ id: idParam("id") });
export const CommentIdParams = z.object({ id: idParam("id"), commentId: idParam("commentId") });

export const FeedQuery = KeysetQuery.extend({
  scope: z.enum(["following", "public"]).default("following").openapi({
    description:
      "`following`: mine and the people I follow (needs a token), filled with everyone's public posts (feed_reason `public`) while nobody I follow has posted; `public`: everyone's public posts",
  }),
});

export const CreatePostBody = z
  .strictObject({
    content: Content(MAX_POST_CHARS).openapi({ example: "First light over the bay." }),
    image_url: OptionalUrl,
    video_url: OptionalUrl,
    is_public: z
      .boolean()
      .optional()
      .openapi({ description: "Default true; a private post is visible to its author only" }),
  })
  .openapi("CreatePost");

export const UpdatePostBody = z
  .strictObject({
    content: Content(MAX_POST_CHARS).optional(),
    image_url: OptionalUrl,
    video_url: OptionalUrl,
    is_public: z.boolean().optional(),
  })
  .openapi("UpdatePost");

export const CreateCommentBody = z
  .strictObject({
    content: Content(MAX_COMMENT_CHARS).openapi({ example: "Beautiful." }),
    parent_id: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .nullish()
      .openapi({ description: "Reply to this comment (replies to a reply join its top-level comment)" }),
  })
  .openapi("CreateComment");

export const PostSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    username: z.string(),
    avatar_url: z.string().nullable(),
    content: z.string(),
    image_url: z.string().nullable(),
    video_url: z.string().nullable(),
    is_public: z.boolean(),
    likes_count: z.number().int(),
    comments_count: z.number().int(),
    shares_count: z.number().int(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
    is_liked: z.boolean().openapi({ description: "Whether the caller likes it (false for anonymous callers)" }),
  })
  .openapi("Post");

export const FeedPostSchema = PostSchema.extend({
  feed_reason: z.enum(["own", "following", "public"]).openapi({
    description:
      "Why it is in the feed: `own`, by someone I `follow`, or `public`: everyone's public posts, shown in my feed while nobody I follow has posted (and always under ?scope=public)",
  }),
}).openapi("FeedPost");

/** `?limit&offset&after`: `after` is the X-Next-Cursor of the previous page (`<thread>.<id>`). */
export const CommentsQuery = PaginationQuery.extend({
  after: z
    .string()
    .regex(/^[1-9][0-9]{0,9}\.[1-9][0-9]{0,9}$/, "after must be <thread>.<id>, the X-Next-Cursor of the previous page")
    .transform((v) => {
      const [thread, id] = v.split(".").map(Number) as [number, number];
      return { thread, id };
    })
    .pipe(
      z.object({
        thread: z.number().max(MAX_CURSOR, "after is out of range"),
        id: z.number().max(MAX_CURSOR, "after is out of range"),
      }),
    )
    .optional()
    .openapi({
      type: "string",
      description:
        "Keyset cursor: only comments after this place in the thread order (`<thread>.<id>`, the X-Next-Cursor header of the previous page). Stable while comments and replies are written; prefer it to `offset`",
      example: "1200.1203",
    }),
});

/** `?limit&offset&before` for followers/following: `before` is a follow's id (X-Next-Cursor). */
export const PeopleQuery = KeysetQuery.extend({
  before: KeysetQuery.shape.before.openapi({
    description:
      "Keyset cursor: only follows older than this one (the X-Next-Cursor header of the previous page, its last person's `follow_id`). Stable while people follow; prefer it to `offset`",
    example: 1200,
  }),
});

export const CommentSchema = z
  .object({
    id: z.number().int(),
    post_id: z.number().int(),
    user_id: z.number().int(),
    username: z.string(),
    avatar_url: z.string().nullable(),
    parent_id: z.number().int().nullable(),
    content: z.string(),
    likes_count: z.number().int(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Comment");

export const LikeResultSchema = z.object({ liked: z.boolean(), likes_count: z.number().int() }).openapi("LikeResult");
export const FollowResultSchema = z
  .object({ following: z.boolean(), followers_count: z.number().int() })
  .openapi("FollowResult");

export const ProfileSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    full_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    bio: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    posts_count: z.number().int(),
    followers_count: z.number().int(),
    following_count: z.number().int(),
    is_following: z.boolean().openapi({ description: "I follow them" }),
    follows_you: z.boolean().openapi({ description: "They follow me" }),
  })
  .openapi("Profile");

export const PersonSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    full_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    followed_at: z.string().openapi({ format: "date-time" }),
    follow_id: z
      .number()
      .int()
      .openapi({ description: "The follow's id: the list's order, and its keyset cursor (`?before`)" }),
  })
  .openapi("Person");

export const postJson = (p: PostRow): z.infer<typeof PostSchema> => ({
  id: p.id,
  user_id: p.userId,
  username: p.username,
  avatar_url: p.avatarUrl,
  content: p.content,
  image_url: p.imageUrl,
  video_url: p.videoUrl,
  is_public: p.isPublic,
  likes_count: p.likesCount,
  comments_count: p.commentsCount,
  shares_count: p.sharesCount,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
  is_liked: p.isLiked,
});

export const feedPostJson = (p: FeedRow): z.infer<typeof FeedPostSchema> => ({
  ...postJson(p),
  feed_reason: p.feedReason,
});

export const commentJson = (c: CommentRow): z.infer<typeof CommentSchema> => ({
  id: c.id,
  post_id: c.postId,
  user_id: c.userId,
  username: c.username,
  avatar_url: c.avatarUrl,
  parent_id: c.parentId,
  content: c.content,
  likes_count: c.likesCount,
  created_at: c.createdAt.toISOString(),
});

export const profileJson = (p: ProfileRow): z.infer<typeof ProfileSchema> => ({
  id: p.id,
  username: p.username,
  full_name: p.fullName,
  avatar_url: p.avatarUrl,
  bio: p.bio,
  created_at: p.createdAt.toISOString(),
  posts_count: p.postsCount,
  followers_count: p.followersCount,
  following_count: p.followingCount,
  is_following: p.isFollowing,
  follows_you: p.followsYou,
});

export const personJson = (p: PersonRow): z.infer<typeof PersonSchema> => ({
  id: p.id,
  username: p.username,
  full_name: p.fullName,
  avatar_url: p.avatarUrl,
  followed_at: p.followedAt.toISOString(),
  follow_id: p.followId,
});
