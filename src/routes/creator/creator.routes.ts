import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageCursorHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./creator.schemas.ts";

const { user } = routeKit(
  "Creator",
  "My creative projects: status workflow, revenue streams, notes and assets from my Files",
);

export const create = user({
  operationId: "createCreativeProject",
  method: "post",
  path: "/api/creator/projects",
  summary: "Start a creative project (status idea)",
  request: jsonBody(s.CreateBody),
  responses: { 201: json(s.ProjectSchema, "The project"), ...problemResponses(413, 415, 422) },
});
export const list = user({
  operationId: "listCreativeProjects",
  method: "get",
  path: "/api/creator/projects",
  summary: "My projects, last changed first (keyset paging with ?before)",
  description:
    "A project edited while you page moves to the head of the list: it comes at most once in a walk (a fresh first page shows it), every other project exactly once.",
  request: { query: s.ListQuery },
  responses: { 200: json(s.ListSchema, "A page", NextPageCursorHeaders), ...problemResponses(422) },
});
export const get = user({
  operationId: "getCreativeProject",
  method: "get",
  path: "/api/creator/projects/{id}",
  summary: "One of my projects with its assets",
  request: { params: s.IdParams },
  responses: { 200: json(s.ProjectSchema, "The project"), ...problemResponses(404, 422) },
});
export const update = user({
  operationId: "updateCreativeProject",
  method: "patch",
  path: "/api/creator/projects/{id}",
  summary: "Edit title, type, description, revenue streams or notes",
  request: { params: s.IdParams, ...jsonBody(s.UpdateBody) },
  responses: { 200: json(s.ProjectSchema, "The project"), ...problemResponses(404, 413, 415, 422) },
});
export const remove = user({
  operationId: "deleteCreativeProject",
  method: "delete",
  path: "/api/creator/projects/{id}",
  summary: "Delete a project (its files stay in Files)",
  request: { params: s.IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});
export const status = user({
  operationId: "setCreativeProjectStatus",
  method: "post",
  path: "/api/creator/projects/{id}/status",
  summary: "Move a project along idea → in_progress → published (or archive it); other moves are 409",
  request: { params: s.IdParams, ...jsonBody(s.StatusBody) },
  responses: { 200: json(s.ProjectSchema, "The project"), ...problemResponses(404, 409, 413, 415, 422) },
});
export const linkAsset = user({
  operationId: "linkCreativeProjectAsset",
  method: "put",
  path: "/api/creator/projects/{id}/assets/{fileId}",
  summary: "Link one of my files to the project (idempotent; someone else's file is a 404)",
  request: { params: s.AssetParams },
  responses: { 200: json(s.ProjectSchema, "The project"), ...problemResponses(404, 409, 422) },
});
export const unlinkAsset = user({
  operationId: "unlinkCreativeProjectAsset",
  method: "delete",
  path: "/api/creator/projects/{id}/assets/{fileId}",
  summary: "Unlink a file from the project (the file stays in Files)",
  request: { params: s.AssetParams },
  responses: { 204: { description: "Unlinked" }, ...problemResponses(404, 422) },
});
