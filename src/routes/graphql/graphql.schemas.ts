import { z } from "@hono/zod-openapi";

/** The longest query document accepted (characters): well above any hand-written query. */
export const MAX_QUERY_CHARS = 20_000;
/** Tokens graphql-js may lex before giving up (bounds parse time whatever the document). */
export const MAX_QUERY_TOKENS = 5_000;

const PersistedQuery = z.strictObject({
  version: z.literal(1),
  sha256Hash: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters (the query's SHA-256)"),
});

export const GraphQLRequestBody = z
  .strictObject({
    query: z
      .string()
      .min(1, "query must not be empty")
      .max(MAX_QUERY_CHARS, `query is limited to ${MAX_QUERY_CHARS} characters`)
      .optional()
      .openapi({
        description: "The document; may be left out when extensions.persistedQuery names a stored one",
        example: "{ me { username wallet { balance } transactions(first: 5) { nodes { hash amount } } } }",
      }),
    variables: z
      .record(z.string(), z.unknown())
      .nullish()
      .openapi({ description: "Values of the operation's variables" }),
    operationName: z.string().max(100).nullish().openapi({ description: "Which operation of the document to run" }),
    extensions: z.strictObject({ persistedQuery: PersistedQuery.optional() }).nullish().openapi({
      description: "Automatic persisted queries: `{persistedQuery: {version: 1, sha256Hash}}` (docs/graphql.md)",
    }),
  })
  .refine((b) => b.query !== undefined || b.extensions?.persistedQuery !== undefined, {
    path: ["query"],
    message: "query is required (unless extensions.persistedQuery names a stored query)",
  })
  .openapi("GraphQLRequest", {
    description: "A GraphQL-over-HTTP request (one operation; batched arrays are not accepted)",
  });

const GraphQLErrorSchema = z
  .object({
    message: z.string(),
    locations: z.array(z.object({ line: z.number().int(), column: z.number().int() })).optional(),
    path: z.array(z.union([z.string(), z.number()])).optional(),
    extensions: z.object({
      code: z
        .string()
        .openapi({ description: "The slug of the problem `type` REST would answer, e.g. validation-error, not-found" }),
      status: z.number().int().openapi({ description: "The HTTP status REST would answer" }),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("GraphQLError");

export const GraphQLResponse = z
  .object({
    data: z.record(z.string(), z.unknown()).nullable().optional(),
    errors: z.array(GraphQLErrorSchema).optional(),
    extensions: z.object({ cost: z.number().int(), depth: z.number().int() }).optional(),
  })
  .openapi("GraphQLResponse", {
    description: "`data` and/or `errors`, as the GraphQL spec says; a request refused before execution has no `data`",
  });
