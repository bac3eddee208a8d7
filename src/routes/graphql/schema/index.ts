import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import "./social.ts";
import "./chain.ts";
import "./me.ts";
import "./mutations.ts";
import "./live.ts";
import "./mine.ts";
import "./videos.ts";
import "./conversations.ts";

/**
 * The schema, built once per isolate (building costs a few milliseconds; requests only execute it).
 * The type modules above register their types and fields on the builder when imported.
 */
let built: { schema: GraphQLSchema; sdl: string } | undefined;

export function graphqlSchema() {
  if (!built) {
    const schema = builder.toSchema();
    built = { schema, sdl: printSchema(lexicographicSortSchema(schema)) };
  }
  return built;
}
