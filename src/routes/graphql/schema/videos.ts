import type { VideoCommentRow } from "../../../services/video/reactions.ts";
import { listVideoComments } from "../../../services/video/reactions.ts";
import { findVideo, listVideos, VIDEO_SORTS, type VideoRow } from "../../../services/video/videos.ts";
import { VideoListQuery } from "../../video/video.schemas.ts";
import { builder } from "./builder.ts";
import { connection, connectionArgs, cursorPage, parseId } from "./connections.ts";
import { viewer } from "./context.ts";
import { id, parseInput } from "./inputs.ts";
import { UserRef, userById } from "./social.ts";

/** BlackStream (as GET /api/video…): signed-in viewers only, public videos and my own. */

const Reaction = builder.enumType("VideoReaction", { values: ["like", "dislike"] as const });
const VideoSort = builder.enumType("VideoSort", { values: VIDEO_SORTS });

const VideoCommentRef = builder.objectRef<VideoCommentRow>("VideoComment").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    videoId: t.exposeInt("videoId"),
    content: t.exposeString("content"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    author: t.field({ type: UserRef, resolve: (c, _a, ctx) => userById(ctx, c.userId) }),
  }),
});
const VideoCommentConnection = connection("VideoComment", VideoCommentRef);

const VideoRef = builder.objectRef<VideoRow>("Video").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
    videoUrl: t.exposeString("videoUrl"),
    thumbnailUrl: t.exposeString("thumbnailUrl", { nullable: true }),
    category: t.exposeString("category", { nullable: true }),
    tags: t.exposeStringList("tags"),
    duration: t.exposeInt("duration", { nullable: true, description: "Seconds" }),
    isPublic: t.exposeBoolean("isPublic"),
    viewCount: t.exposeInt("viewsCount"),
    likeCount: t.exposeInt("likesCount"),
    dislikeCount: t.exposeInt("dislikesCount"),
    commentCount: t.exposeInt("commentsCount"),
    myReaction: t.field({
      type: Reaction,
      nullable: true,
      resolve: (v) => (v.reaction === null ? null : v.reaction ? "like" : "dislike"),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    publishedAt: t.expose("publishedAt", { type: "DateTime" }),
    // The author is batched by the `user` loader like a post's (one statement per page).
    author: t.field({ type: UserRef, resolve: (v, _a, ctx) => userById(ctx, v.userId) }),
    comments: t.field({
      type: VideoCommentConnection,
      description: "Oldest first (as GET /api/video/{id}/comments)",
      args: connectionArgs,
      resolve: (v, args, ctx) =>
        cursorPage(
          args,
          (page) => listVideoComments(ctx.db, viewer(ctx), v.id, { ...page, after: page.cursor }),
          (c) => String(c.id),
          parseId,
        ),
    }),
  }),
});
const VideoConnection = connection("Video", VideoRef);

const VideoFilter = VideoListQuery.pick({ category: true, tag: true, sort: true });

builder.queryFields((t) => ({
  videos: t.field({
    type: VideoConnection,
    description: "Public videos, by category and/or tag, newest or most viewed first (as GET /api/video)",
    args: {
      ...connectionArgs,
      category: t.arg.string(),
      tag: t.arg.string(),
      sort: t.arg({ type: VideoSort, defaultValue: "newest" }),
    },
    resolve: (_r, args, ctx) => {
      const me = viewer(ctx);
      const filter = parseInput(VideoFilter, {
        category: args.category ?? undefined,
        tag: args.tag ?? undefined,
        sort: args.sort ?? undefined,
      });
      // The REST list's cursor: `<id>` newest first, `<views_count>.<id>` most viewed.
      const mostViewed = filter.sort === "most_viewed";
      return cursorPage(
        args,
        (page) => listVideos(ctx.db, me, { ...filter, limit: page.limit, offset: 0, before: page.cursor }),
        (v) => (mostViewed ? `${v.viewsCount}.${v.id}` : String(v.id)),
        (key: string) => {
          const [a, b] = key.split(".");
          const views = mostViewed ? Number(a) : undefined;
          const id = parseId((mostViewed ? b : a) ?? "");
          if (id === null || key.split(".").length !== (mostViewed ? 2 : 1)) return null;
          if (views !== undefined && !(/^(0|[1-9][0-9]{0,9})$/.test(a!) && views <= 2_147_483_647)) return null;
          return views === undefined ? { id } : { views, id };
        },
      );
    },
  }),
  video: t.field({
    type: VideoRef,
    description: "A public video or my own (as GET /api/video/{id}, without counting a view)",
    args: { id: t.arg.int({ required: true }) },
    resolve: (_r, args, ctx) => findVideo(ctx.db, viewer(ctx), id(args.id)),
  }),
}));
