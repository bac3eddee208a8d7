import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./capture.schemas.ts";

const { user } = routeKit(
  "Capture",
  "My Chaos Inbox: quick notes, links and ideas with tags, a status workflow, clusters and search",
);

export const create = user({
  operationId: "createCaptureItem",
  method: "post",
  path: "/api/capture/items",
  summary: "Capture something (lands in the inbox)",
  request: jsonBody(s.CreateItemBody),
  responses: { 201: json(s.ItemSchema, "The item"), ...problemResponses(413, 415, 422) },
});

export const list = user({
  operationId: "listCaptureItems",
  method: "get",
  path: "/api/capture/items",
  summary: "My items, newest first, filtered by status, type, tag or words",
  request: { query: s.ListQuery },
  responses: { 200: json(s.ListSchema, "A page", NextPageHeaders), ...problemResponses(422) },
});

export const get = user({
  operationId: "getCaptureItem",
  method: "get",
  path: "/api/capture/items/{id}",
  summary: "One of my items",
  request: { params: s.IdParams },
  responses: { 200: json(s.ItemSchema, "The item"), ...problemResponses(404, 422) },
});

export const update = user({
  operationId: "updateCaptureItem",
  method: "patch",
  path: "/api/capture/items/{id}",
  summary: "Edit an item's content, type or source",
  request: { params: s.IdParams, ...jsonBody(s.UpdateItemBody) },
  responses: { 200: json(s.ItemSchema, "The item"), ...problemResponses(404, 413, 415, 422) },
});

export const remove = user({
  operationId: "deleteCaptureItem",
  method: "delete",
  path: "/api/capture/items/{id}",
  summary: "Delete an item",
  request: { params: s.IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});

export const tag = user({
  operationId: "tagCaptureItem",
  method: "post",
  path: "/api/capture/items/{id}/tags",
  summary: "Add tags to an item (at most 20 per item)",
  request: { params: s.IdParams, ...jsonBody(s.TagsBody) },
  responses: { 200: json(s.ItemSchema, "The item"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const status = user({
  operationId: "setCaptureItemStatus",
  method: "post",
  path: "/api/capture/items/{id}/status",
  summary: "Move an item along inbox → triaged → done (or archive it); other moves are 409",
  request: { params: s.IdParams, ...jsonBody(s.StatusBody) },
  responses: { 200: json(s.ItemSchema, "The item"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const clusters = user({
  operationId: "listCaptureClusters",
  method: "get",
  path: "/api/capture/clusters",
  summary: "Tags shared by two or more of my items (archived ones left out), with the items",
  responses: { 200: json(z.array(s.ClusterSchema), "Clusters, largest first") },
});
