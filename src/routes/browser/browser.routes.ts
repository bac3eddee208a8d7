import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { perUserLimit } from "../../middleware/user-rate-limit.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./browser.schemas.ts";

const { user } = routeKit(
  "Browser",
  "A safe page fetcher (SSRF-guarded) with my bookmarks, history, tabs and settings",
);

/** Each fetch spends the server's outbound bandwidth on the caller's behalf: a budget per user. */
export const FETCHES_PER_MINUTE = 20;

export const fetchPage = user({
  operationId: "browserFetchPage",
  method: "get",
  path: "/api/browser/fetch",
  summary:
    "Fetch a page (http/https; private addresses refused; ≤5 redirects, 2 MB, INTEGRATIONS_TIMEOUT_MS) and extract its title and text",
  middleware: [perUserLimit("browser-fetch", FETCHES_PER_MINUTE, "1 m")],
  request: { query: s.FetchQuery },
  responses: { 200: json(s.PageSchema, "The page"), ...problemResponses(422, 502, 504) },
});

export const listBookmarks = user({
  operationId: "listBrowserBookmarks",
  method: "get",
  path: "/api/browser/bookmarks",
  summary: "My bookmarks, newest first",
  responses: { 200: json(z.array(s.BookmarkSchema), "Bookmarks") },
});

export const addBookmark = user({
  operationId: "addBrowserBookmark",
  method: "post",
  path: "/api/browser/bookmarks",
  summary: "Bookmark a URL (a URL already bookmarked is 409)",
  request: jsonBody(s.BookmarkBody),
  responses: { 201: json(s.BookmarkSchema, "The bookmark"), ...problemResponses(409, 413, 415, 422) },
});

export const deleteBookmark = user({
  operationId: "deleteBrowserBookmark",
  method: "delete",
  path: "/api/browser/bookmarks/{id}",
  summary: "Remove a bookmark",
  request: { params: s.IdParams },
  responses: { 204: { description: "Removed" }, ...problemResponses(404, 422) },
});

export const listHistory = user({
  operationId: "listBrowserHistory",
  method: "get",
  path: "/api/browser/history",
  summary: "Pages I fetched, newest first (the newest 500 are kept)",
  request: { query: s.HistoryQuery },
  responses: { 200: json(s.HistoryPageSchema, "A page of history"), ...problemResponses(422) },
});

export const clearHistory = user({
  operationId: "clearBrowserHistory",
  method: "delete",
  path: "/api/browser/history",
  summary: "Clear my history",
  responses: { 200: json(z.object({ deleted: z.number().int() }), "How many entries were removed") },
});

export const listTabs = user({
  operationId: "listBrowserTabs",
  method: "get",
  path: "/api/browser/tabs",
  summary: "My open tabs, in order",
  responses: { 200: json(z.array(s.TabSchema), "Tabs") },
});

export const openTab = user({
  operationId: "openBrowserTab",
  method: "post",
  path: "/api/browser/tabs",
  summary: "Open a tab at the end (at most 50)",
  request: jsonBody(s.TabBody),
  responses: { 201: json(s.TabSchema, "The tab"), ...problemResponses(409, 413, 415, 422) },
});

export const updateTab = user({
  operationId: "updateBrowserTab",
  method: "patch",
  path: "/api/browser/tabs/{id}",
  summary: "Navigate, rename or move a tab",
  request: { params: s.IdParams, ...jsonBody(s.TabPatch) },
  responses: { 200: json(s.TabSchema, "The tab"), ...problemResponses(404, 413, 415, 422) },
});

export const closeTab = user({
  operationId: "closeBrowserTab",
  method: "delete",
  path: "/api/browser/tabs/{id}",
  summary: "Close a tab",
  request: { params: s.IdParams },
  responses: { 204: { description: "Closed" }, ...problemResponses(404, 422) },
});

export const getSettings = user({
  operationId: "getBrowserSettings",
  method: "get",
  path: "/api/browser/settings",
  summary: "My browser settings (defaults until changed)",
  responses: { 200: json(s.SettingsSchema, "Settings") },
});

export const updateSettings = user({
  operationId: "updateBrowserSettings",
  method: "patch",
  path: "/api/browser/settings",
  summary: "Change some settings (the others keep their values)",
  request: jsonBody(s.SettingsPatch),
  responses: { 200: json(s.SettingsSchema, "Settings"), ...problemResponses(413, 415, 422) },
});
