import { problemResponses } from "../../lib/problem-responses.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./vscode.schemas.ts";

const { user } = routeKit(
  "Code editor",
  "The editor's view of my files: tree, languages, open and save text files with optimistic concurrency",
);

export const tree = user({
  operationId: "getEditorTree",
  method: "get",
  path: "/api/vscode/tree",
  summary: "My folders and files, each file with its language and whether the editor can open it",
  responses: { 200: json(s.EditorTreeSchema, "The tree") },
});

export const languages = user({
  operationId: "listEditorLanguages",
  method: "get",
  path: "/api/vscode/languages",
  summary: "The language of each known extension, and the largest file the editor opens",
  responses: { 200: json(s.LanguagesSchema, "Extensions and languages") },
});

export const open = user({
  operationId: "openEditorFile",
  method: "get",
  path: "/api/vscode/files/{id}",
  summary: "Open my text file: its content and ETag (415 for a binary file, 413 past the editor's size)",
  request: { params: s.IdParams },
  responses: {
    200: json(s.EditorFileSchema, "The file and its content", s.EtagHeader),
    ...problemResponses(404, 413, 415, 422),
  },
});

export const save = user({
  operationId: "saveEditorFile",
  method: "put",
  path: "/api/vscode/files/{id}",
  summary: "Save a new version of my text file over the version I opened (If-Match; 412 if it changed, nothing saved)",
  request: { params: s.IdParams, headers: s.SaveHeaders, ...jsonBody(s.SaveBody) },
  responses: {
    200: json(s.EditorEntrySchema, "The new version", s.EtagHeader),
    ...problemResponses(404, 409, 412, 413, 415, 422, 428),
  },
});

export const create = user({
  operationId: "createEditorFile",
  method: "post",
  path: "/api/vscode/files",
  summary: "Create a text file from the editor",
  request: jsonBody(s.CreateBody),
  responses: {
    201: json(s.EditorEntrySchema, "The new file", s.EtagHeader),
    ...problemResponses(404, 409, 413, 415, 422),
  },
});
