import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import { resolveChain, TEST_CHAIN_HEADER } from "../../services/chain/ledger.ts";
import { buildProof, requestAnchor } from "../../services/vault/anchor.ts";
import * as entries from "../../services/vault/entries.ts";
import type { AppRouteHandler } from "../../types.ts";
import { setNextPage } from "../keyset.ts";
import type * as routes from "./vault.routes.ts";

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const { userId } = getAuth(c);
  const b = c.req.valid("json");
  const db = c.var.services.db;
  return c.json(
    entries.entryJson(await entries.createEntry(db, userId, { idea: b.idea, title: b.title, author: b.author })),
    201,
  );
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const q = c.req.valid("query");
  const { rows, total } = await entries.listEntries(c.var.services.db, getAuth(c).userId, {
    page: q.page,
    perPage: q.per_page,
    before: q.before,
  });
  setNextPage(c, rows, q.per_page, (e) => encodeTimeCursor({ at: e.cursorAt, id: e.id }));
  return c.json({ leos: rows.map(entries.entryJson), total, page: q.page, per_page: q.per_page }, 200);
};

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(entries.entryJson(await entries.getEntry(c.var.services.db, getAuth(c).userId, c.req.valid("param").id)), 200);

export const anchor: AppRouteHandler<typeof routes.anchor> = async (c) => {
  const chain = resolveChain(c.var.config.ENVIRONMENT, c.req.header(TEST_CHAIN_HEADER));
  const row = await requestAnchor(
    c.var.services.db,
    { masterKey: c.var.config.WALLET_MASTER_KEY, chain },
    getAuth(c).userId,
    c.req.valid("param").id,
  );
  return c.json(entries.entryJson(row), 202);
};

export const events: AppRouteHandler<typeof routes.events> = async (c) => {
  const rows = await entries.listEvents(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  return c.json(
    rows.map((e) => ({
      id: e.id,
      type: e.type,
      detail: e.detail as Record<string, unknown>,
      created_at: e.createdAt.toISOString(),
    })),
    200,
  );
};

export const proof: AppRouteHandler<typeof routes.proof> = async (c) =>
  c.json(await buildProof(c.var.services.db, getAuth(c).userId, c.req.valid("param").id), 200);
