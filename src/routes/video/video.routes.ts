import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageAfterHeaders, NextPageCursorHeaders, NextPageHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  CreateVideoBody,
  CreateVideoCommentBody,
  MyVideosQuery,
  ReactionQuery,
  ReactionSchema,
  UpdateVideoBody,
  VideoCommentParams,
  VideoCommentSchema,
  VideoCommentsQuery,
  VideoIdParams,
  VideoListQuery,
  VideoSchema,
} from "./video.schemas.ts";

const { user } = routeKit("BlackStream", "Videos, reactions, views and comments");

/** Canonical prefix; the original's `/api/videos` is an undocumented alias (see video.index.ts). */
export const VIDEO_PREFIX = "/api/video";
export const VIDEO_ALIAS_PREFIX = "/api/videos";

export const listVideos = user({
  operationId: "listVideos",
  method: "get",
  path: "/api/video",
  summary: "Public videos, by category and/or tag, newest or most viewed first (keyset paging with ?before)",
  description: "Cached (see X-Cache); uploads, edits, reactions, comments and counted views invalidate it.",
  request: { query: VideoListQuery },
  responses: {
    200: {
      description: "A page of videos",
      headers: NextPageCursorHeaders.extend({ "X-Cache": z.enum(["HIT", "MISS"]), ETag: z.string() }),
      content: { "application/json": { schema: z.array(VideoSchema) } },
    },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
    ...problemResponses(422),
  },
});

export const createVideo = user({
  operationId: "createVideo",
  method: "post",
  path: "/api/video",
  summary: "Publish a video record (its video and thumbnail are http(s) URLs; no upload)",
  request: jsonBody(CreateVideoBody),
  responses: { 201: json(VideoSchema, "The new video"), ...problemResponses(413, 415, 422) },
});

export const myVideos = user({
  operationId: "listMyVideos",
  method: "get",
  path: "/api/video/mine",
  summary: "My videos, private ones included, newest first (keyset paging with ?before)",
  request: { query: MyVideosQuery },
  responses: { 200: json(z.array(VideoSchema), "A page of my videos", NextPageHeaders), ...problemResponses(422) },
});

export const getVideo = user({
  operationId: "getVideo",
  method: "get",
  path: "/api/video/{id}",
  summary: "One video; counts one view per viewer per hour",
  request: { params: VideoIdParams },
  responses: { 200: json(VideoSchema, "The video"), ...problemResponses(404, 422) },
});

export const updateVideo = user({
  operationId: "updateVideo",
  method: "patch",
  path: "/api/video/{id}",
  summary: "Edit my video (only the fields given)",
  request: { params: VideoIdParams, ...jsonBody(UpdateVideoBody) },
  responses: { 200: json(VideoSchema, "The video"), ...problemResponses(404, 413, 415, 422) },
});

export const deleteVideo = user({
  operationId: "deleteVideo",
  method: "delete",
  path: "/api/video/{id}",
  summary: "Delete my video (with its views, reactions and comments)",
  request: { params: VideoIdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});

export const react = user({
  operationId: "reactToVideo",
  method: "post",
  path: "/api/video/{id}/like",
  summary: "Like (?is_like=true) or dislike (?is_like=false): the same again removes it, the other switches",
  request: { params: VideoIdParams, query: ReactionQuery },
  responses: { 200: json(ReactionSchema, "My reaction and the exact counts"), ...problemResponses(404, 422) },
});

export const listComments = user({
  operationId: "listVideoComments",
  method: "get",
  path: "/api/video/{id}/comments",
  summary: "Comments on a video, oldest first (keyset paging with ?after)",
  request: { params: VideoIdParams, query: VideoCommentsQuery },
  responses: {
    200: json(z.array(VideoCommentSchema), "A page of comments", NextPageAfterHeaders),
    ...problemResponses(404, 422),
  },
});

export const addComment = user({
  operationId: "addVideoComment",
  method: "post",
  path: "/api/video/{id}/comments",
  summary: "Comment on a video",
  request: { params: VideoIdParams, ...jsonBody(CreateVideoCommentBody) },
  responses: { 201: json(VideoCommentSchema, "The comment"), ...problemResponses(404, 413, 415, 422) },
});

export const deleteComment = user({
  operationId: "deleteVideoComment",
  method: "delete",
  path: "/api/video/{id}/comments/{commentId}",
  summary: "Delete my comment, or any comment on my video",
  request: { params: VideoCommentParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});
