import { z } from "@hono/zod-openapi";
import { MAX_INT4 } from "./constants.ts";

/**
 * A positive integer id in a path: plain decimal digits only, so `1e3`, `1.5`, `-1`, `007`, `0x1f`
 * or non-ASCII digits are a 422 instead of being coerced into some other row's id.
 */
export const idParam = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, `${name} must be a positive integer`)
    .transform(Number)
    .pipe(z.number().max(MAX_INT4, `${name} is out of range`))
    .openapi({ param: { name, in: "path" }, type: "integer", example: 1 });

/** `{ id }` path parameters. */
export const IdParams = z.object({ id: idParam("id") });
