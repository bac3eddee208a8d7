import { unauthorized } from "../../lib/errors.ts";
import { cachedJson } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import * as comments from "../../services/social/comments.ts";
import * as people from "../../services/social/people.ts";
import * as posts from "../../services/social/posts.ts";
import type { AppRouteHandler } from "../../types.ts";
import { byId, nextPageHeaders, setNextPage } from "../keyset.ts";
import { auditLater } from "../request-kit.ts";
import type * as routes from "./social.routes.ts";
import { commentJson, feedPostJson, personJson, postJson, profileJson } from "./social.schemas.ts";

export const feed: AppRouteHandler<typeof routes.feed> = async (c) => {
  const query = c.req.valid("query");
  const viewer = c.var.auth?.userId ?? null;
  if (viewer === null && query.scope !== "public") {
    throw unauthorized("Log in for your feed, or ask for ?scope=public", "unauthorized");
  }
  return cachedJson(c, {
    endpoint: "/api/social/feed",
    params: query,
    userId: viewer,
    load: async () => (await posts.listFeed(c.var.services.db, viewer, query.scope, query)).map(feedPostJson),
    headers: (page) => nextPageHeaders(c, page, query.limit, byId),
  });
};

export const createPost: AppRouteHandler<typeof routes.createPost> = async (c) => {
  const b = c.req.valid("json");
  const row = await posts.createPost(c.var.services.db, getAuth(c).userId, {
    content: b.content,
    imageUrl: b.image_url,
    videoUrl: b.video_url,
    isPublic: b.is_public,
  });
  auditLater(c, "social.post_created", { post_id: row.id });
  return c.json(postJson(row), 201);
};

export const getPost: AppRouteHandler<typeof routes.getPost> = async (c) =>
  c.json(postJson(await posts.getPost(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)), 200);

export const updatePost: AppRouteHandler<typeof routes.updatePost> = async (c) => {
  const b = c.req.valid("json");
  const row = await posts.updatePost(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, {
    content: b.content,
    imageUrl: b.image_url,
    videoUrl: b.video_url,
    isPublic: b.is_public,
  });
  return c.json(postJson(row), 200);
};

export const deletePost: AppRouteHandler<typeof routes.deletePost> = async (c) => {
  const { id } = c.req.valid("param");
  await posts.deletePost(c.var.services.db, getAuth(c).userId, id);
  auditLater(c, "social.post_deleted", { post_id: id });
  return c.body(null, 204);
};

export const likePost: AppRouteHandler<typeof routes.likePost> = async (c) => {
  const r = await posts.setLike(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, true);
  return c.json({ liked: r.liked, likes_count: r.likesCount }, 200);
};

export const unlikePost: AppRouteHandler<typeof routes.unlikePost> = async (c) => {
  const r = await posts.setLike(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, false);
  return c.json({ liked: r.liked, likes_count: r.likesCount }, 200);
};

export const listComments: AppRouteHandler<typeof routes.listComments> = async (c) => {
  const query = c.req.valid("query");
  const rows = await comments.listComments(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, query);
  setNextPage(
    c,
    rows,
    query.limit,
    (row) => {
      const key = comments.commentKey(row);
      return `${key.thread}.${key.id}`;
    },
    "after",
  );
  return c.json(rows.map(commentJson), 200);
};

export const addComment: AppRouteHandler<typeof routes.addComment> = async (c) => {
  const b = c.req.valid("json");
  const row = await comments.addComment(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, {
    content: b.content,
    parentId: b.parent_id,
  });
  auditLater(c, "social.commented", { post_id: row.postId, comment_id: row.id });
  return c.json(commentJson(row), 201);
};

export const deleteComment: AppRouteHandler<typeof routes.deleteComment> = async (c) => {
  const { id, commentId } = c.req.valid("param");
  await comments.deleteComment(c.var.services.db, getAuth(c).userId, id, commentId);
  return c.body(null, 204);
};

export const getProfile: AppRouteHandler<typeof routes.getProfile> = async (c) =>
  c.json(profileJson(await people.getProfile(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)), 200);

export const userPosts: AppRouteHandler<typeof routes.userPosts> = async (c) => {
  const rows = await posts.listUserPosts(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
    c.req.valid("query"),
  );
  setNextPage(c, rows, c.req.valid("query").limit, byId);
  return c.json(rows.map(postJson), 200);
};

export const followers: AppRouteHandler<typeof routes.followers> = async (c) => {
  const query = c.req.valid("query");
  const rows = await people.listPeople(c.var.services.db, c.req.valid("param").id, "followers", query);
  setNextPage(c, rows, query.limit, (p) => p.followId);
  return c.json(rows.map(personJson), 200);
};

export const following: AppRouteHandler<typeof routes.following> = async (c) => {
  const query = c.req.valid("query");
  const rows = await people.listPeople(c.var.services.db, c.req.valid("param").id, "following", query);
  setNextPage(c, rows, query.limit, (p) => p.followId);
  return c.json(rows.map(personJson), 200);
};

export const follow: AppRouteHandler<typeof routes.follow> = async (c) => {
  const { id } = c.req.valid("param");
  const r = await people.setFollow(c.var.services.db, getAuth(c).userId, id, true);
  auditLater(c, "social.followed", { user_id: id });
  return c.json({ following: r.following, followers_count: r.followersCount }, 200);
};

export const unfollow: AppRouteHandler<typeof routes.unfollow> = async (c) => {
  const { id } = c.req.valid("param");
  const r = await people.setFollow(c.var.services.db, getAuth(c).userId, id, false);
  auditLater(c, "social.unfollowed", { user_id: id });
  return c.json({ following: r.following, followers_count: r.followersCount }, 200);
};
