// Walking a keyset list (`?before=<key>`, X-Next-Cursor and Link: rel="next") to its end, page by
// page through the Link header, with something done between pages (rows inserted at the head).
import { expect } from "vitest";
import { api } from "./api.ts";

export type Walk = { ids: number[]; pages: number; links: string[] };
type Item = Record<string, unknown>;

/**
 * Follows `Link: <…>; rel="next"` from `first` until a page comes without one. `ids` are `idOf` the
 * items (default: their `id`); the cursor must be `cursorOf` the last item (default: its `id`) and go back as `param`
 * (`before`; `after` for a list read oldest first); `items` picks the list out of an enveloped body.
 */
export async function walk(
  first: string,
  headers: Record<string, string>,
  between: () => Promise<unknown>,
  opts: {
    cursorOf?: (item: Item) => string;
    /** For an opaque cursor: is it the one for this (last) item? */
    cursorMatches?: (cursor: string, last: Item) => boolean;
    idOf?: (item: Item) => number;
    param?: "before" | "after";
    items?: (body: unknown) => Item[];
  } = {},
): Promise<Walk> {
  const idOf = opts.idOf ?? ((item: Item) => Number(item.id));
  const cursorOf = opts.cursorOf ?? ((item: Item) => String(item.id));
  const param = opts.param ?? "before";
  const pick = opts.items ?? ((body) => (Array.isArray(body) ? body : (body as { items: Item[] }).items));
  const out: Walk = { ids: [], pages: 0, links: [] };
  let url: string | undefined = first;
  while (url) {
    const res = await api(url, { headers });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const items = pick(JSON.parse(text));
    out.ids.push(...items.map(idOf));
    out.pages++;
    const cursor = res.headers.get("X-Next-Cursor");
    const link = res.headers.get("Link");
    if (cursor === null) {
      expect(link).toBeNull();
      break;
    }
    if (opts.cursorMatches) expect(opts.cursorMatches(cursor, items.at(-1)!), cursor).toBe(true);
    else expect(cursor).toBe(cursorOf(items.at(-1)!));
    const next = /^<([^>]+)>; rel="next"$/.exec(link ?? "")?.[1];
    expect(next, `Link: ${link}`).toBeDefined();
    expect(new URL(next!, "https://x.test").searchParams.get(param)).toBe(cursor);
    expect(next).not.toContain("offset=");
    out.links.push(next!);
    await between();
    url = next;
    expect(out.pages, "the walk never ends").toBeLessThan(50);
  }
  return out;
}

/** Strictly descending (no duplicates) and exactly `expected` once the rows inserted meanwhile are left out. */
export function expectExact(walked: number[], expected: number[], inserted: number[]) {
  expect(walked).toEqual([...walked].sort((a, b) => b - a));
  expect(new Set(walked).size).toBe(walked.length);
  expect(walked.filter((id) => inserted.includes(id))).toEqual([]);
  expect(walked).toEqual([...expected].sort((a, b) => b - a));
}

export const ok = async <T>(res: Response, status = 200): Promise<T> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
};
