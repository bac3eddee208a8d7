import { z } from "@hono/zod-openapi";
import { fieldErrors, nulPath, unprocessable } from "../../../lib/errors.ts";

/**
 * Input validation for resolvers: the REST routes' zod schemas, applied to GraphQL arguments, with
 * the same 422 result (GraphQL error code `validation-error`, `extensions.errors` as `{path, message}`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  const at = (path: string) => (prefix ? (path === "body" ? prefix : `${prefix}.${path}`) : path);
  if (!result.success) {
    const errors = fieldErrors(result.error).map((e) => ({ path: at(e.path), message: e.message }));
    throw unprocessable(`${errors[0]!.path}: ${errors[0]!.message}`, errors);
  }
  const nul = nulPath(result.data);
  if (nul !== undefined) {
    const message = "must not contain NUL (U+0000) characters";
    throw unprocessable(`${at(nul)}: ${message}`, [{ path: at(nul), message }]);
  }
  return result.data;
}

const Id = (name: string) => z.number().int().min(1, `${name} must be a positive integer`);

/** A positive id argument (GraphQL's Int already bounds it to 32 bits). */
export const id = (value: number, name = "id") => parseInput(Id(name), value, name);
