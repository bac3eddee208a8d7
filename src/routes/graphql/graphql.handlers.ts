import type { z } from "@hono/zod-openapi";
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  getOperationAST,
  OperationTypeNode,
  parse,
  print,
  execute as run,
  specifiedRules,
  subscribe,
  validate,
} from "graphql";
import { ApiError, notFound } from "../../lib/errors.ts";
import { cachedJson } from "../../lib/response-cache.ts";
import { COST_BUDGETS, chargeCost } from "../../middleware/rate-limit.ts";
import type { AppRouteHandler } from "../../types.ts";
import { APP_NAME } from "../../version.ts";
import { type Ctx, chainOf } from "../request-kit.ts";
import { apiErrorJson, formatError, type GraphQLErrorJson, requestError } from "./graphql.errors.ts";
import { lookupPersisted, sha256Hex, storePersisted } from "./graphql.persisted.ts";
import type * as routes from "./graphql.routes.ts";
import { type GraphQLRequestBody, MAX_QUERY_TOKENS } from "./graphql.schemas.ts";
import { sseResponse } from "./graphql.stream.ts";
import type { GraphQLContext } from "./schema/context.ts";
import { graphqlSchema } from "./schema/index.ts";
import { measureOperation, type QueryMeasure } from "./schema/limits.ts";
import { createLoaders } from "./schema/loaders.ts";

type Result = {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorJson[];
  extensions?: { cost: number; depth: number };
};

const refused = (errors: GraphQLErrorJson[]): Result => ({ errors });

type GraphQLRequest = z.output<typeof GraphQLRequestBody>;

/** The query to run: the one sent, or the stored one its persisted-query hash names (see graphql.persisted.ts). */
async function resolvePersisted(
  c: Ctx,
  body: GraphQLRequest,
): Promise<{ query: string; store?: string } | { errors: GraphQLErrorJson[] }> {
  const hash = body.extensions?.persistedQuery?.sha256Hash;
  if (hash === undefined) return { query: body.query! };
  if (body.query !== undefined) {
    if ((await sha256Hex(body.query)) !== hash) {
      return refused([
        requestError(
          "persisted-query-hash-mismatch",
          "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
        ),
      ]) as { errors: GraphQLErrorJson[] };
    }
    return { query: body.query, store: hash };
  }
  const stored = await lookupPersisted(c.var.services.redis, hash);
  if (stored === undefined) {
    // The message is the APQ protocol's: clients (Apollo's link among them) retry with the query.
    return { errors: [requestError("persisted-query-not-found", "PersistedQueryNotFound")] };
  }
  return { query: stored };
}

type Prepared = { args: ExecutionArgs; measure: QueryMeasure; kind: OperationTypeNode };

/**
 * Parse, validate, measure: everything before execution is in memory, so a document that is
 * malformed, invalid or over a limit is refused before any database or Redis call.
 */
async function prepare(c: Ctx, request: GraphQLRequest): Promise<Prepared | Result> {
  const { schema } = graphqlSchema();
  const persisted = await resolvePersisted(c, request);
  if ("errors" in persisted) return persisted;
  const body = { ...request, query: persisted.query };
  let document: DocumentNode;
  try {
    document = parse(body.query, { maxTokens: MAX_QUERY_TOKENS, noLocation: false });
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return refused([
      requestError("graphql-parse-failed", err.message, err.locations ? { locations: [...err.locations] } : {}),
    ]);
  }
  const invalid = validate(schema, document, specifiedRules, { maxErrors: 10 });
  if (invalid.length) {
    return refused(
      invalid.map((e) =>
        requestError("graphql-validation-failed", e.message, e.locations ? { locations: [...e.locations] } : {}),
      ),
    );
  }
  if (persisted.store) await storePersisted(c.var.services.redis, persisted.store, body.query); // valid documents only
  const operation = getOperationAST(document, body.operationName ?? undefined);
  if (!operation) {
    const message = body.operationName
      ? `No operation named ${body.operationName}`
      : "The document has several operations: name one in operationName";
    return refused([requestError("graphql-validation-failed", message)]);
  }
  const variables = body.variables ?? {};
  let measure: QueryMeasure;
  try {
    measure = measureOperation(schema, document, operation, variables);
  } catch (err) {
    if (err instanceof ApiError) return refused([apiErrorJson(err)]);
    throw err;
  }
  // Rate limits count a GraphQL request by its cost (a 429 problem when the minute's budget is spent).
  chargeCost(c, "graphql", measure.cost, COST_BUDGETS.graphql);
  const viewerId = c.var.auth?.userId ?? null;
  const chain = chainOf(c);
  const db = c.var.services.db;
  const contextValue: GraphQLContext = { c, db, viewerId, chain, loaders: createLoaders(db, chain) };
  const args: ExecutionArgs = {
    schema,
    document,
    operationName: body.operationName ?? null,
    variableValues: variables,
    contextValue,
  };
  return { args, measure, kind: operation.operation };
}

const wantsEventStream = (c: Ctx) => (c.req.header("Accept") ?? "").includes("text/event-stream");

export const execute: AppRouteHandler<typeof routes.execute> = async (c) => {
  const prepared = await prepare(c, c.req.valid("json"));
  const sse = wantsEventStream(c);
  if (!("args" in prepared)) return sse ? (sseResponse(prepared, (r) => r) as never) : reply(c, prepared);
  const { args, measure, kind } = prepared;
  const format = (r: ExecutionResult): Result => ({
    ...(r.data !== undefined ? { data: r.data as Record<string, unknown> | null } : {}),
    ...(r.errors?.length ? { errors: r.errors.map((e) => formatError(c, e)) } : {}),
    extensions: measure,
  });
  if (kind === OperationTypeNode.SUBSCRIPTION) {
    if (!sse) {
      return reply(
        c,
        refused([
          requestError(
            "graphql-validation-failed",
            "Subscriptions are served as server-sent events: send Accept: text/event-stream",
          ),
        ]),
      );
    }
    // subscribe() opens the feed (or answers its errors: unauthorized, the connection cap) before the stream starts.
    return sseResponse(await subscribe(args), format) as never;
  }
  if (!sse && kind === OperationTypeNode.QUERY && isAnonymous(c)) {
    // Public data only (what anyone may read): shared through the response cache, keyed by the
    // printed document (whitespace and comments do not split entries), the variables and the chain.
    return cachedJson(c, {
      endpoint: "/api/graphql",
      params: {
        query: print(args.document),
        variables: args.variableValues ?? {},
        operationName: args.operationName ?? null,
        chain: (args.contextValue as GraphQLContext).chain,
      },
      load: async () => format(await run(args)),
      cacheable: (r) => r.errors === undefined, // errors (unauthorized, unavailable) are never replayed
    }) as never;
  }
  const result = format(await run(args));
  return sse ? (sseResponse(result, (r) => r) as never) : reply(c, result);
};

const isAnonymous = (c: Ctx) => c.var.auth == null && !c.req.header("Authorization");

function reply(c: Ctx, result: Result) {
  c.header("Cache-Control", "no-store");
  return c.json(result as never, 200);
}

export const sdl: AppRouteHandler<typeof routes.sdl> = async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.text(graphqlSchema().sdl, 200);
};

/** GraphiQL is a development tool: where it is off, the page does not exist. */
export const graphiql: AppRouteHandler<typeof routes.graphiql> = async (c) => {
  const { ENVIRONMENT, GRAPHIQL_ENABLED } = c.var.config;
  if (ENVIRONMENT !== "development" && !GRAPHIQL_ENABLED) throw notFound("Not found");
  // An HTML page, unlike the rest of the API: the browser-side policies apply here (as for /api/docs).
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cross-Origin-Opener-Policy", "same-origin");
  c.header("Cross-Origin-Resource-Policy", "same-origin");
  c.header("Cache-Control", "no-store");
  return c.html(GRAPHIQL_PAGE, 200);
};

const GRAPHIQL_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${APP_NAME} — GraphiQL</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/vendor/graphiql/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/vendor/graphiql/react.production.min.js"></script>
<script src="/vendor/graphiql/react-dom.production.min.js"></script>
<script src="/vendor/graphiql/graphiql.min.js"></script>
<script src="/js/graphiql.js"></script>
</body>
</html>`;
