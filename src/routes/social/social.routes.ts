import { z } from "@hono/zod-openapi";
import { KeysetQuery } from "../../lib/pagination.ts";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageAfterHeaders, NextPageHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  CommentIdParams,
  CommentSchema,
  CommentsQuery,
  CreateCommentBody,
  CreatePostBody,
  FeedPostSchema,
  FeedQuery,
  FollowResultSchema,
  LikeResultSchema,
  PeopleQuery,
  PersonSchema,
  PostIdParams,
  PostSchema,
  ProfileSchema,
  UpdatePostBody,
  UserIdParams,
} from "./social.schemas.ts";

const { maybeUser, user } = routeKit("Social", "Posts, comments, likes, profiles and follows");

const cachedHeaders = NextPageHeaders.extend({
  "X-Cache": z.enum(["HIT", "MISS"]),
  ETag: z.string().openapi({ description: "Send it back as If-None-Match for a 304" }),
});

export const feed = maybeUser({
  operationId: "getFeed",
  // The public scope needs no token; `following` does.
  method: "get",
  path: "/api/social/feed",
  summary:
    "The feed, newest first: mine and the people I follow (everyone's public posts, labelled, while they have posted nothing), or everyone's (?scope=public)",
  description:
    "Cached (see X-Cache); any social write invalidates it, so a reader never sees a feed older than its own write.",
  request: { query: FeedQuery },
  responses: {
    200: {
      description: "A page of posts",
      headers: cachedHeaders,
      content: { "application/json": { schema: z.array(FeedPostSchema) } },
    },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
    ...problemResponses(422),
  },
});

export const createPost = user({
  operationId: "createPost",
  method: "post",
  path: "/api/social/posts",
  summary: "Publish a post (optional image/video URL, http or https)",
  request: jsonBody(CreatePostBody),
  responses: { 201: json(PostSchema, "The new post"), ...problemResponses(413, 415, 422) },
});

export const getPost = user({
  operationId: "getPost",
  method: "get",
  path: "/api/social/posts/{id}",
  summary: "One post (public, or my own)",
  request: { params: PostIdParams },
  responses: { 200: json(PostSchema, "The post"), ...problemResponses(404, 422) },
});

export const updatePost = user({
  operationId: "updatePost",
  method: "patch",
  path: "/api/social/posts/{id}",
  summary: 'Edit my post (only the fields given; null or "" clears a URL)',
  request: { params: PostIdParams, ...jsonBody(UpdatePostBody) },
  responses: { 200: json(PostSchema, "The post"), ...problemResponses(404, 413, 415, 422) },
});

export const deletePost = user({
  operationId: "deletePost",
  method: "delete",
  path: "/api/social/posts/{id}",
  summary: "Delete my post (with its likes and comments)",
  request: { params: PostIdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});

export const likePost = user({
  operationId: "likePost",
  method: "post",
  path: "/api/social/posts/{id}/like",
  summary: "Like a post (idempotent: liking twice is one like)",
  request: { params: PostIdParams },
  responses: { 200: json(LikeResultSchema, "Liked, with the exact count"), ...problemResponses(404, 422) },
});

export const unlikePost = user({
  operationId: "unlikePost",
  method: "delete",
  path: "/api/social/posts/{id}/like",
  summary: "Remove my like (idempotent)",
  request: { params: PostIdParams },
  responses: { 200: json(LikeResultSchema, "Not liked, with the exact count"), ...problemResponses(404, 422) },
});

export const listComments = user({
  operationId: "listPostComments",
  method: "get",
  path: "/api/social/posts/{id}/comments",
  summary:
    "Comments, oldest first; each top-level comment is followed by its replies (keyset paging with ?after=<thread>.<id>)",
  request: { params: PostIdParams, query: CommentsQuery },
  responses: {
    200: json(z.array(CommentSchema), "A page of comments", NextPageAfterHeaders),
    ...problemResponses(404, 422),
  },
});

export const addComment = user({
  operationId: "addPostComment",
  method: "post",
  path: "/api/social/posts/{id}/comments",
  summary: "Comment on a post, or reply to a comment (one level of replies)",
  request: { params: PostIdParams, ...jsonBody(CreateCommentBody) },
  responses: { 201: json(CommentSchema, "The comment"), ...problemResponses(404, 413, 415, 422) },
});

export const deleteComment = user({
  operationId: "deletePostComment",
  method: "delete",
  path: "/api/social/posts/{id}/comments/{commentId}",
  summary: "Delete my comment, or any comment on my post (its replies go with it)",
  request: { params: CommentIdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});

export const getProfile = user({
  operationId: "getProfile",
  method: "get",
  path: "/api/social/users/{id}",
  summary: "A user's public profile with post, follower and following counts",
  request: { params: UserIdParams },
  responses: { 200: json(ProfileSchema, "The profile"), ...problemResponses(404, 422) },
});

export const userPosts = user({
  operationId: "listUserPosts",
  method: "get",
  path: "/api/social/users/{id}/posts",
  summary: "A user's posts (the public ones, or all of mine), newest first (keyset paging with ?before)",
  request: { params: UserIdParams, query: KeysetQuery },
  responses: { 200: json(z.array(PostSchema), "A page of posts", NextPageHeaders), ...problemResponses(404, 422) },
});

export const followers = user({
  operationId: "listFollowers",
  method: "get",
  path: "/api/social/users/{id}/followers",
  summary: "Who follows this user, most recent first (keyset paging with ?before=<follow_id>)",
  request: { params: UserIdParams, query: PeopleQuery },
  responses: {
    200: json(z.array(PersonSchema), "A page of followers", NextPageHeaders),
    ...problemResponses(404, 422),
  },
});

export const following = user({
  operationId: "listFollowing",
  method: "get",
  path: "/api/social/users/{id}/following",
  summary: "Whom this user follows, most recent first (keyset paging with ?before=<follow_id>)",
  request: { params: UserIdParams, query: PeopleQuery },
  responses: {
    200: json(z.array(PersonSchema), "A page of followed users", NextPageHeaders),
    ...problemResponses(404, 422),
  },
});

export const follow = user({
  operationId: "follow",
  method: "post",
  path: "/api/social/users/{id}/follow",
  summary: "Follow a user (idempotent; not myself)",
  request: { params: UserIdParams },
  responses: {
    200: json(FollowResultSchema, "Following, with their exact follower count"),
    ...problemResponses(400, 404, 422),
  },
});

export const unfollow = user({
  operationId: "unfollow",
  method: "delete",
  path: "/api/social/users/{id}/follow",
  summary: "Stop following a user (idempotent)",
  request: { params: UserIdParams },
  responses: {
    200: json(FollowResultSchema, "Not following, with their exact follower count"),
    ...problemResponses(400, 404, 422),
  },
});
