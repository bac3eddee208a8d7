import { unprocessable } from "../../lib/errors.ts";
import { cachedJson, invalidateCache } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import * as reactions from "../../services/video/reactions.ts";
import * as videos from "../../services/video/videos.ts";
import type { AppRouteHandler } from "../../types.ts";
import { byId, nextPageHeaders, setNextPage } from "../keyset.ts";
import { auditLater } from "../request-kit.ts";
import type * as routes from "./video.routes.ts";
import { videoCommentJson, videoJson } from "./video.schemas.ts";

type Body = {
  title?: string;
  description?: string | null;
  video_url?: string;
  thumbnail_url?: string | null;
  category?: string | null;
  tags?: string[] | null;
  duration?: number | null;
  is_public?: boolean;
};

const toInput = (b: Body) => ({
  title: b.title,
  description: b.description,
  videoUrl: b.video_url,
  thumbnailUrl: b.thumbnail_url,
  // An empty category means none; tags: null clears them.
  category: b.category === undefined ? undefined : b.category || null,
  tags: b.tags === undefined ? undefined : (b.tags ?? []),
  duration: b.duration,
  isPublic: b.is_public,
});

export const listVideos: AppRouteHandler<typeof routes.listVideos> = async (c) => {
  const query = c.req.valid("query");
  const { userId } = getAuth(c);
  // The cursor's shape follows the order (a check here: a refinement would keep GraphQL from picking
  // the filter fields out of this schema).
  if (query.before && (query.before.views === undefined) !== (query.sort === "newest"))
    throw unprocessable("before is not a cursor of this order", [
      {
        path: "before",
        message:
          query.sort === "newest"
            ? "must be <id> with sort=newest"
            : "must be <views_count>.<id> with sort=most_viewed",
      },
    ]);
  return cachedJson(c, {
    endpoint: "/api/video",
    params: query,
    userId,
    load: async () => (await videos.listVideos(c.var.services.db, userId, query)).map(videoJson),
    headers: (page) =>
      nextPageHeaders(c, page, query.limit, (v) =>
        query.sort === "most_viewed" ? `${v.views_count}.${v.id}` : String(v.id),
      ),
  });
};

export const createVideo: AppRouteHandler<typeof routes.createVideo> = async (c) => {
  const b = c.req.valid("json");
  const row = await videos.createVideo(c.var.services.db, getAuth(c).userId, {
    ...toInput(b),
    title: b.title,
    videoUrl: b.video_url,
  });
  auditLater(c, "video.uploaded", { video_id: row.id });
  return c.json(videoJson(row), 201);
};

export const myVideos: AppRouteHandler<typeof routes.myVideos> = async (c) => {
  const q = c.req.valid("query");
  const rows = await videos.listMyVideos(c.var.services.db, getAuth(c).userId, q);
  setNextPage(c, rows, q.limit, byId);
  return c.json(rows.map(videoJson), 200);
};

export const getVideo: AppRouteHandler<typeof routes.getVideo> = async (c) => {
  const { video, counted } = await videos.viewVideo(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  // A counted view changes views_count (and the most-viewed order) in the cached lists.
  if (counted) await invalidateCache(c.var.services.redis, ["video"]);
  return c.json(videoJson(video), 200);
};

export const updateVideo: AppRouteHandler<typeof routes.updateVideo> = async (c) => {
  const row = await videos.updateVideo(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
    toInput(c.req.valid("json")),
  );
  return c.json(videoJson(row), 200);
};

export const deleteVideo: AppRouteHandler<typeof routes.deleteVideo> = async (c) => {
  const { id } = c.req.valid("param");
  await videos.deleteVideo(c.var.services.db, getAuth(c).userId, id);
  auditLater(c, "video.deleted", { video_id: id });
  return c.body(null, 204);
};

export const react: AppRouteHandler<typeof routes.react> = async (c) => {
  const r = await reactions.toggleReaction(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
    c.req.valid("query").is_like,
  );
  return c.json({ liked: r.liked, likes_count: r.likesCount, dislikes_count: r.dislikesCount }, 200);
};

export const listComments: AppRouteHandler<typeof routes.listComments> = async (c) => {
  const q = c.req.valid("query");
  const rows = await reactions.listVideoComments(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, q);
  setNextPage(c, rows, q.limit, (r) => String(r.id), "after");
  return c.json(rows.map(videoCommentJson), 200);
};

export const addComment: AppRouteHandler<typeof routes.addComment> = async (c) => {
  const row = await reactions.addVideoComment(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
    c.req.valid("json").content,
  );
  auditLater(c, "video.commented", { video_id: row.videoId, comment_id: row.id });
  return c.json(videoCommentJson(row), 201);
};

export const deleteComment: AppRouteHandler<typeof routes.deleteComment> = async (c) => {
  const { id, commentId } = c.req.valid("param");
  await reactions.deleteVideoComment(c.var.services.db, getAuth(c).userId, id, commentId);
  return c.body(null, 204);
};
