import { getAuth } from "../../middleware/auth.ts";
import { fetchPage as fetchSafely, PAGE_LIMITS } from "../../services/browser/fetch-page.ts";
import * as state from "../../services/browser/state.ts";
import type { AppRouteHandler } from "../../types.ts";
import type * as routes from "./browser.routes.ts";

export const fetchPage: AppRouteHandler<typeof routes.fetchPage> = async (c) => {
  const { userId } = getAuth(c);
  // The global fetch, looked up per call: no cookies, no caller headers, only what fetch-page.ts sends.
  // The deadline of every outbound call to a service outside (INTEGRATIONS_TIMEOUT_MS, 10 s by default).
  const limits = { ...PAGE_LIMITS, deadlineMs: c.var.config.INTEGRATIONS_TIMEOUT_MS };
  const page = await fetchSafely((input, init) => fetch(input, init), c.req.valid("query").url, limits);
  await state.recordVisit(c.var.services.db, userId, { url: page.url, title: page.title, status: page.status });
  return c.json(page, 200);
};

export const listBookmarks: AppRouteHandler<typeof routes.listBookmarks> = async (c) =>
  c.json((await state.listBookmarks(c.var.services.db, getAuth(c).userId)).map(state.bookmarkJson), 200);

export const addBookmark: AppRouteHandler<typeof routes.addBookmark> = async (c) =>
  c.json(state.bookmarkJson(await state.addBookmark(c.var.services.db, getAuth(c).userId, c.req.valid("json"))), 201);

export const deleteBookmark: AppRouteHandler<typeof routes.deleteBookmark> = async (c) => {
  await state.deleteBookmark(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.body(null, 204);
};

export const listHistory: AppRouteHandler<typeof routes.listHistory> = async (c) => {
  const { entries, next_before } = await state.listHistory(c.var.services.db, getAuth(c).userId, c.req.valid("query"));
  return c.json({ entries: entries.map(state.historyJson), next_before }, 200);
};

export const clearHistory: AppRouteHandler<typeof routes.clearHistory> = async (c) =>
  c.json({ deleted: await state.clearHistory(c.var.services.db, getAuth(c).userId) }, 200);

export const listTabs: AppRouteHandler<typeof routes.listTabs> = async (c) =>
  c.json((await state.listTabs(c.var.services.db, getAuth(c).userId)).map(state.tabJson), 200);

export const openTab: AppRouteHandler<typeof routes.openTab> = async (c) =>
  c.json(state.tabJson(await state.openTab(c.var.services.db, getAuth(c).userId, c.req.valid("json"))), 201);

export const updateTab: AppRouteHandler<typeof routes.updateTab> = async (c) =>
  c.json(
    state.tabJson(
      await state.updateTab(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, c.req.valid("json")),
    ),
    200,
  );

export const closeTab: AppRouteHandler<typeof routes.closeTab> = async (c) => {
  await state.closeTab(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.body(null, 204);
};

export const getSettings: AppRouteHandler<typeof routes.getSettings> = async (c) =>
  c.json(await state.getSettings(c.var.services.db, getAuth(c).userId), 200);

export const updateSettings: AppRouteHandler<typeof routes.updateSettings> = async (c) =>
  c.json(await state.updateSettings(c.var.services.db, getAuth(c).userId, c.req.valid("json")), 200);
