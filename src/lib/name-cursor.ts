import { MAX_INT4 } from "./constants.ts";

/**
 * A keyset cursor for a list ordered by a name, then id: base64url of `[name key, id]`, opaque to
 * clients. The name key is what the database sorted by (e.g. its own `lower(name)`, not JavaScript's),
 * UTF-8 encoded so any name fits in a header and a URL.
 */
export type NameCursor = { name: string; id: number };

const MAX_ID = 2_147_483_647;

export function encodeNameCursor(c: NameCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([c.name, c.id]));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The cursor back, or null when it is not one this API handed out. */
export function decodeNameCursor(s: string): NameCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return null;
  try {
    const binary = atob(s.replaceAll("-", "+").replaceAll("_", "/"));
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(binary, (ch) => ch.charCodeAt(0)),
    );
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [name, id] = v as unknown[];
    if (typeof name !== "string" || name.length > 1_000 || name.includes("\u0000")) return null;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || id > MAX_ID) return null;
    return { name, id };
  } catch {
    return null;
  }
}
