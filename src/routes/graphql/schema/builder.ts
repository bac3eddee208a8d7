import SchemaBuilder from "@pothos/core";
import type { GraphQLContext } from "./context.ts";

/**
 * The code-first schema builder: every object type is a typed ref over the row or view a service
 * returns, so a resolver that reads a field the row does not have fails `tsc`, not a client.
 * Fields are non-null unless marked `nullable`.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: { DateTime: { Input: Date; Output: Date | string } };
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });

builder.scalarType("DateTime", {
  description: "An ISO 8601 timestamp (UTC)",
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError("DateTime must be an ISO 8601 timestamp");
    return date;
  },
});

builder.queryType({ description: "What a client can read" });
builder.mutationType({ description: "The main writes, each the same service call as its REST route" });
