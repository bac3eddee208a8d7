import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import * as projects from "../../services/creator/projects.ts";
import type { AppRouteHandler } from "../../types.ts";
import { setNextPage } from "../keyset.ts";
import type * as routes from "./creator.routes.ts";

const input = (b: {
  title?: string;
  type?: string;
  description?: string | null;
  revenue_streams?: projects.ProjectView["revenue_streams"];
  notes?: string | null;
}) => ({
  ...(b.title !== undefined ? { title: b.title } : {}),
  ...(b.type !== undefined ? { type: b.type } : {}),
  ...(b.description !== undefined ? { description: b.description } : {}),
  ...(b.revenue_streams !== undefined ? { revenueStreams: b.revenue_streams } : {}),
  ...(b.notes !== undefined ? { notes: b.notes } : {}),
});

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const b = c.req.valid("json");
  return c.json(
    await projects.createProject(c.var.services.db, getAuth(c).userId, {
      title: b.title,
      type: b.type,
      description: b.description,
      revenueStreams: b.revenue_streams,
      notes: b.notes,
    }),
    201,
  );
};
export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const q = c.req.valid("query");
  const { projects: rows, total, last } = await projects.listProjects(c.var.services.db, getAuth(c).userId, q);
  if (last) setNextPage(c, rows, q.limit, () => encodeTimeCursor(last));
  return c.json({ projects: rows, total }, 200);
};
export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(await projects.getProject(c.var.services.db, getAuth(c).userId, c.req.valid("param").id), 200);
export const update: AppRouteHandler<typeof routes.update> = async (c) =>
  c.json(
    await projects.updateProject(
      c.var.services.db,
      getAuth(c).userId,
      c.req.valid("param").id,
      input(c.req.valid("json")),
    ),
    200,
  );
export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  await projects.deleteProject(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.body(null, 204);
};
export const status: AppRouteHandler<typeof routes.status> = async (c) =>
  c.json(
    await projects.setStatus(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, c.req.valid("json").status),
    200,
  );
export const linkAsset: AppRouteHandler<typeof routes.linkAsset> = async (c) => {
  const { id, fileId } = c.req.valid("param");
  return c.json(await projects.linkAsset(c.var.services.db, getAuth(c).userId, id, fileId), 200);
};
export const unlinkAsset: AppRouteHandler<typeof routes.unlinkAsset> = async (c) => {
  const { id, fileId } = c.req.valid("param");
  await projects.unlinkAsset(c.var.services.db, getAuth(c).userId, id, fileId);
  return c.body(null, 204);
};
