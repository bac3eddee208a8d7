import type { Hono } from "hono";
import type { Endpoint, Schema } from "hono/types";

/**
 * What a typed client (`hc<AppType>` from hono/client) sends. Login and refresh accept JSON (our
 * clients) or a form (OAuth2 tools, Swagger's Authorize button) and validate whichever arrives, but
 * @hono/zod-openapi types their two validators as if both bodies came at once, so no call would
 * type-check. A typed client sends JSON: where both are accepted, the form leaves the client's type.
 * (A "one of" union does not survive hono/client, which distributes over it and intersects again.)
 */
type JsonWhenBoth<I> = I extends { json: unknown; form: unknown } ? Omit<I, "form"> : I;
type ClientEndpoint<T> = T extends Endpoint
  ? { input: JsonWhenBoth<T["input"]>; output: T["output"]; outputFormat: T["outputFormat"]; status: T["status"] }
  : never;
type ClientSchema<S extends Schema> = { [P in keyof S]: { [M in keyof S[P]]: ClientEndpoint<S[P][M]> } };

export type ClientSchemaOf<A> = A extends Hono<infer E, infer S, infer B> ? Hono<E, ClientSchema<S>, B> : never;
