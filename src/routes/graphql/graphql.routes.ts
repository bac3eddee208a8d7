import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { jsonBody, routeKit } from "../route-kit.ts";
import { GraphQLRequestBody, GraphQLResponse } from "./graphql.schemas.ts";

const { anyone, maybeUser } = routeKit(
  "GraphQL",
  "One query language over the same services as REST (docs/graphql.md): same authorisation, validation, errors and limits",
);

export const execute = maybeUser({
  operationId: "executeGraphQL",
  method: "post",
  path: "/api/graphql",
  summary: "Run a GraphQL query or mutation (the schema: GET /api/graphql/schema.graphql)",
  description:
    "Authenticated like REST (an optional bearer token; a bad one is a 401). Depth, cost and page size are checked before anything runs. " +
    "Errors come back as GraphQL errors whose extensions.code is the problem type REST would answer. " +
    "Subscriptions (newBlock, myNotifications) need `Accept: text/event-stream` and are answered as server-sent " +
    "events (GraphQL over SSE, distinct connections): `event: next` per result, `event: complete` at the end.",
  request: { ...jsonBody(GraphQLRequestBody) },
  responses: {
    200: {
      description: "The result: data and/or errors (JSON), or with Accept: text/event-stream a stream of results",
      headers: z.object({
        "X-Cache": z
          .enum(["HIT", "MISS"])
          .optional()
          .openapi({ description: "Anonymous queries only: whether the response cache answered" }),
        ETag: z.string().optional().openapi({ description: "Anonymous queries only: send it as If-None-Match" }),
      }),
      content: {
        "application/json": { schema: GraphQLResponse },
        "text/event-stream": {
          schema: z.string().openapi({ example: 'event: next\ndata: {"data":{"newBlock":{"height":42}}}\n\n' }),
        },
      },
    },
    304: { description: "Not modified: an anonymous query's cached answer still has the If-None-Match ETag" },
    ...problemResponses(413, 415, 422),
  },
});

export const sdl = anyone({
  operationId: "getGraphQLSchema",
  method: "get",
  path: "/api/graphql/schema.graphql",
  summary: "The GraphQL schema in SDL",
  responses: { 200: { description: "The schema", content: { "text/plain": { schema: z.string() } } } },
});

export const graphiql = anyone({
  operationId: "getGraphiQL",
  method: "get",
  path: "/api/graphiql",
  summary: "GraphiQL, the in-browser GraphQL IDE (development; elsewhere only with GRAPHIQL_ENABLED=true)",
  description:
    "Served from our own assets (/vendor/graphiql, copied from the graphiql and react packages by the build). " +
    "Where it is off the page does not exist: 404.",
  responses: {
    200: { description: "The GraphiQL page", content: { "text/html": { schema: z.string() } } },
    ...problemResponses(404),
  },
});
