import { getAuth } from "../../middleware/auth.ts";
import * as items from "../../services/capture/items.ts";
import type { AppRouteHandler } from "../../types.ts";
import { byId, setNextPage } from "../keyset.ts";
import type * as routes from "./capture.routes.ts";

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const b = c.req.valid("json");
  const row = await items.createItem(c.var.services.db, getAuth(c).userId, {
    type: b.type,
    rawContent: b.raw_content,
    source: b.source,
    tags: b.tags,
  });
  return c.json(items.itemJson(row), 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const { rows, total } = await items.listItems(c.var.services.db, getAuth(c).userId, query);
  setNextPage(c, rows, query.limit, byId);
  return c.json({ items: rows.map(items.itemJson), total }, 200);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(items.itemJson(await items.getItem(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)), 200);

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const b = c.req.valid("json");
  const row = await items.updateItem(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, {
    type: b.type,
    rawContent: b.raw_content,
    source: b.source,
  });
  return c.json(items.itemJson(row), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  await items.deleteItem(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.body(null, 204);
};

export const tag: AppRouteHandler<typeof routes.tag> = async (c) =>
  c.json(
    items.itemJson(
      await items.addTags(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, c.req.valid("json").tags),
    ),
    200,
  );

export const status: AppRouteHandler<typeof routes.status> = async (c) =>
  c.json(
    items.itemJson(
      await items.setStatus(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, c.req.valid("json").status),
    ),
    200,
  );

export const clusters: AppRouteHandler<typeof routes.clusters> = async (c) =>
  c.json(await items.clusters(c.var.services.db, getAuth(c).userId), 200);
