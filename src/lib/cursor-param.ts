import { z } from "@hono/zod-openapi";

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
