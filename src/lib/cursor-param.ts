import { z } from "@hono/zod-openapi";
import { decodeTimeCursor, type IdKind } from "./time-cursor.ts";

/**
 * An opaque keyset cursor in the query (`?after=` or `?before=`): `decode` turns it into the place it
 * names, or null for anything this API did not hand out, which is then a 422 in the problem format,
 * never a 500 from PostgreSQL. `description` documents it in the OpenAPI document.
 */
export function cursorParam<T>(
  name: "after" | "before",
  decode: (cursor: string) => T | null,
  description: string,
  maxLength = 2_000,
) {
  return z
    .string()
    .max(maxLength)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const place = decode(v);
      if (place === null) ctx.addIssue({ code: "custom", message: `${name} is not a cursor this API handed out` });
      return place ?? undefined;
    })
    .openapi({ type: "string", description });
}

/**
 * `?before=<cursor>` for a newest-first list by time: validated here, so a cursor this API did not
 * hand out is a 422 in the problem format, never a 500 from PostgreSQL.
 */
export function timeCursorParam(kind: IdKind, items: string) {
  return cursorParam(
    "before",
    (v) => decodeTimeCursor(v, kind),
    `Keyset cursor, opaque: the X-Next-Cursor header of the previous page; this page holds the ${items}. Flat cost at any depth, stable while new ones arrive; prefer it to offset paging`,
    200,
  );
}
