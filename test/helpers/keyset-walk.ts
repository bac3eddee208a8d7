// Walking a keyset list (`?before=<key>`, X-Next-Cursor and Link: rel="next") to its end, page by
// page through the Link header, with something done between pages (rows inserted at the head).
import { expect } from "vitest";
import { api } from "./api.ts";

export type Walk = { ids: number[]; pages: number; links: string[] };
type Item = Record<string, unknown>;

/**
 * Follows `Link: <…>; rel="next"` from `first` until a page comes without one. `key` is the field the
 * cursor names (`id`, or `height` for blocks); `items` picks the list out of an enveloped body.
 */
export async function walk(
  first: string,
  headers: Record<string, string>,
  between: () => Promise<unknown>,
  opts: { key?: string; items?: (body: unknown) => Item[] } = {},
): Promise<Walk> {
  const key = opts.key ?? "id";
  const pick = opts.items ?? ((body) => (Array.isArray(body) ? body : (body as { items: Item[] }).items));
  const out: Walk = { ids: [], pages: 0, links: [] };
  let url: string | undefined = first;
  while (url) {
    const res = await api(url, { headers });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const items = pick(JSON.parse(text));
    out.ids.push(...items.map((i) => Number(i[key])));
    out.pages++;
    const cursor = res.headers.get("X-Next-Cursor");
    const link = res.headers.get("Link");
    if (cursor === null) {
      expect(link).toBeNull();
      break;
    }
    expect(Number(cursor)).toBe(Number(items.at(-1)![key]));
    const next = /^<([^>]+)>; rel="next"$/.exec(link ?? "")?.[1];
    expect(next, `Link: ${link}`).toBeDefined();
    expect(new URL(next!, "https://x.test").searchParams.get("before")).toBe(cursor);
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
