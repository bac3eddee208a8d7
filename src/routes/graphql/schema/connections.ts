import { z } from "@hono/zod-openapi";
import type { ObjectRef, SchemaTypes } from "@pothos/core";
import { unprocessable } from "../../../lib/errors.ts";
import { builder } from "./builder.ts";

/**
 * Relay-style connections. Cursors are opaque to clients. Underneath they carry the REST service's
 * position: the last key for keyset-paged lists (`k:<id>`: feed, posts, mailbox, transactions,
 * notifications; blocks by height), the REST list's own cursor where it is not a number (`c:<cursor>`:
 * conversations, messages, videos, comments, files), so a GraphQL page is exactly a REST page and
 * costs the same at any depth.
 */
export const MAX_PAGE_SIZE = 50;
export const DEFAULT_PAGE_SIZE = 20;

export type Page<T> = { nodes: T[]; cursors: string[]; hasNextPage: boolean };

const encode = (kind: "k", n: number) => btoa(`${kind}:${n}`).replaceAll("=", "");
function decode(kind: "k", cursor: string): number {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    /* not base64: refused below */
  }
  const match = /^(k):(\d{1,15})$/.exec(text);
  if (!match || match[1] !== kind)
    throw unprocessable("after: not a cursor this connection handed out", [
      { path: "after", message: "invalid cursor" },
    ]);
  return Number(match[2]);
}

const PageArgs = z.object({
  first: z.number().int().min(1, "first must be at least 1").max(MAX_PAGE_SIZE, `first is limited to ${MAX_PAGE_SIZE}`),
  after: z.string().max(4_000).nullish(),
});

function pageArgs(args: { first?: number | null; after?: string | null }) {
  const parsed = PageArgs.safeParse({ first: args.first ?? DEFAULT_PAGE_SIZE, after: args.after });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw unprocessable(`${issue.path.join(".")}: ${issue.message}`, [
      { path: issue.path.join("."), message: issue.message },
    ]);
  }
  return parsed.data;
}

/**
 * A page from a keyset-paged service (newest first by id): the cursor is the last id seen, so a page
 * costs the same at any depth and rows inserted meanwhile neither repeat nor hide one.
 */
export async function keysetPage<T extends { id: number }>(
  args: { first?: number | null; after?: string | null },
  load: (page: { limit: number; offset: 0; before?: number }) => Promise<T[]>,
): Promise<Page<T>>;
/** …or by another dense key, newest first (blocks: the height). */
export async function keysetPage<T>(
  args: { first?: number | null; after?: string | null },
  load: (page: { limit: number; offset: 0; before?: number }) => Promise<T[]>,
  keyOf: (node: T) => number,
): Promise<Page<T>>;
export async function keysetPage<T>(
  args: { first?: number | null; after?: string | null },
  load: (page: { limit: number; offset: 0; before?: number }) => Promise<T[]>,
  keyOf: (node: T) => number = (node) => (node as { id: number }).id,
): Promise<Page<T>> {
  const { first, after } = pageArgs(args);
  const rows = await load({ limit: first + 1, offset: 0, ...(after ? { before: decode("k", after) } : {}) });
  const nodes = rows.slice(0, first);
  return { nodes, cursors: nodes.map((n) => encode("k", keyOf(n))), hasNextPage: rows.length > first };
}

const invalidCursor = () =>
  unprocessable("after: not a cursor this connection handed out", [{ path: "after", message: "invalid cursor" }]);
const encodeKey = (key: string) => btoa(`c:${key}`).replaceAll("=", "");
function decodeKey(cursor: string): string | null {
  try {
    const text = atob(cursor);
    return text.startsWith("c:") ? text.slice(2) : null;
  } catch {
    return null;
  }
}

/**
 * A page from a keyset-paged service whose cursor is the REST list's own (`keyOf` the last node: a
 * time or name cursor, `<thread>.<id>`, an id read forward); `parse` turns it back into the
 * service's, null when it is not one this API handed out (a 422).
 */
export async function cursorPage<T, C>(
  args: { first?: number | null; after?: string | null },
  load: (page: { limit: number; offset: 0; cursor?: C }) => Promise<T[]>,
  keyOf: (node: T) => string,
  parse: (key: string) => C | null,
): Promise<Page<T>> {
  const { first, after } = pageArgs(args);
  let cursor: C | undefined;
  if (after) {
    const key = decodeKey(after);
    const parsed = key === null ? null : parse(key);
    if (parsed === null) throw invalidCursor();
    cursor = parsed;
  }
  const rows = await load({ limit: first + 1, offset: 0, ...(cursor === undefined ? {} : { cursor }) });
  const nodes = rows.slice(0, first);
  return { nodes, cursors: nodes.map((n) => encodeKey(keyOf(n))), hasNextPage: rows.length > first };
}

/** A positive integer id as a cursor key (messages, comments read forward; videos newest first). */
export const parseId = (key: string): number | null =>
  /^[1-9][0-9]{0,9}$/.test(key) && Number(key) <= 2_147_483_647 ? Number(key) : null;

export const connectionArgs = builder.args((t) => ({
  first: t.int({ description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` }),
  after: t.string({ description: "The endCursor of the previous page" }),
}));

const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>("PageInfo").implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});

/** `<Name>Connection { edges { cursor node } nodes pageInfo }` over a node type. */
export function connection<Types extends SchemaTypes, T>(name: string, node: ObjectRef<Types, T>) {
  const nodeRef = node as unknown as ObjectRef<any, T>;
  const Edge = builder.objectRef<{ node: T; cursor: string }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString("cursor"),
      node: t.field({ type: nodeRef, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (p) => p.nodes.map((node, i) => ({ node, cursor: p.cursors[i]! })) }),
      nodes: t.field({ type: [nodeRef], resolve: (p) => p.nodes as never }),
      pageInfo: t.field({
        type: PageInfo,
        resolve: (p) => ({ hasNextPage: p.hasNextPage, endCursor: p.cursors.at(-1) ?? null }),
      }),
    }),
  });
}
