/**
 * What the search box sends, turned into the parts of a tsquery, and the keyset cursor. Pure
 * functions (no database), unit-tested in test/unit/search-query.test.ts.
 */
import { SEARCH_KINDS, type SearchKind } from "../../lib/constants.ts";

export type ParsedQuery = {
  /** Given to `websearch_to_tsquery` as is: quotes, `or` and `-` keep their web-search meaning. */
  web: string;
  /** `to_tsquery` text for the word being typed (`'caf':*`), or null: then the query is `web` alone. */
  prefix: string | null;
};

/** A last word shorter than this is matched whole: a one-letter prefix would match most rows. */
const MIN_PREFIX_CHARS = 2;

/**
 * Splits the query into what `websearch_to_tsquery` reads and a prefix match for the last word
 * while it is being typed: when the text does not end with a space or a closing quote, is not
 * inside an open quote, and the last word is not negated (`-word`) or the operator `or`.
 */
export function parseQuery(raw: string): ParsedQuery {
  const q = raw.replace(/[\u0000-\u001f\u007f]/g, " ");
  if (/\s$/.test(q) || (q.match(/"/g)?.length ?? 0) % 2 === 1) return { web: q.trim(), prefix: null };
  const m = /(^|\s)([^\s"-][^\s"]*)$/u.exec(q);
  if (!m || m[2]!.toLowerCase() === "or") return { web: q.trim(), prefix: null };
  // Letters and digits only (each piece quoted), so nothing in the word can be tsquery syntax.
  const pieces = m[2]!.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (pieces.join("").length < MIN_PREFIX_CHARS) return { web: q.trim(), prefix: null };
  return { web: q.slice(0, m.index + m[1]!.length).trim(), prefix: pieces.map((p) => `'${p}':*`).join(" & ") };
}

export type Cursor = { rank: string; kind: SearchKind; key: string };

/** Opaque to clients: base64url of the last row's rank (as Postgres printed it), kind and key. */
export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify([c.rank, c.kind, c.key]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The cursor back, or null when it is not one this API handed out. */
export function decodeCursor(s: string): Cursor | null {
  try {
    const v: unknown = JSON.parse(atob(s.replaceAll("-", "+").replaceAll("_", "/")));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [rank, kind, key] = v as unknown[];
    if (typeof rank !== "string" || !/^(?:\d+(?:\.\d+)?(?:e-?\d+)?)$/.test(rank)) return null;
    if (typeof kind !== "string" || !(SEARCH_KINDS as readonly string[]).includes(kind)) return null;
    if (typeof key !== "string" || !/^[0-9a-f-]{1,36}$/.test(key)) return null;
    return { rank, kind: kind as SearchKind, key };
  } catch {
    return null;
  }
}

export type HighlightPart = { text: string; match: boolean };

/** Markers ts_headline puts around matches (private-use characters, stripped from the text first). */
export const MATCH_START = "\uE000";
export const MATCH_STOP = "\uE001";

/** A headline with markers → plain text plus parts, so a client never has to parse HTML. */
export function splitHighlights(headline: string): { snippet: string; highlights: HighlightPart[] } {
  const parts: HighlightPart[] = [];
  for (const [i, chunk] of headline.split(MATCH_START).entries()) {
    if (i === 0) {
      if (chunk) parts.push({ text: chunk, match: false });
      continue;
    }
    const stop = chunk.indexOf(MATCH_STOP);
    const matched = stop < 0 ? chunk : chunk.slice(0, stop);
    const rest = stop < 0 ? "" : chunk.slice(stop + 1);
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return { snippet: parts.map((p) => p.text).join(""), highlights: parts };
}
