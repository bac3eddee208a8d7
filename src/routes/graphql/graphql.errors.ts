import { GraphQLError } from "graphql";
import { toDatabaseUnavailable } from "../../lib/db.ts";
import { ApiError, loggableError } from "../../lib/errors.ts";
import type { Ctx } from "../request-kit.ts";

/**
 * GraphQL errors in the API's vocabulary: `extensions.code` is the slug of the problem `type` REST
 * would answer (`validation-error`, `not-found`, `insufficient-balance`, `unauthorized`…) and
 * `extensions.status` its HTTP status; validation failures carry `extensions.errors` as
 * `[{path, message}]`. Anything unexpected is logged with the request id and masked: no SQL, no
 * stack, no driver message ever reaches the client.
 */
export type GraphQLErrorJson = {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions: { code: string; status: number; errors?: Array<{ path: string; message: string }> };
};

/** An error raised before execution (syntax, validation, limits), with its code. */
export function requestError(code: string, message: string, extra: Partial<GraphQLErrorJson> = {}): GraphQLErrorJson {
  return { message, ...extra, extensions: { code, status: 422, ...(extra.extensions ?? {}) } };
}

export function apiErrorJson(err: ApiError, at: Partial<GraphQLErrorJson> = {}): GraphQLErrorJson {
  return {
    message: err.detail,
    ...at,
    extensions: {
      code: err.code,
      status: err.status,
      ...(err.extra.errors?.length ? { errors: err.extra.errors } : {}),
    },
  };
}

export function formatError(c: Ctx, error: GraphQLError): GraphQLErrorJson {
  const at = {
    ...(error.locations ? { locations: [...error.locations] } : {}),
    ...(error.path ? { path: [...error.path] } : {}),
  };
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) {
    // graphql-js's own: argument or variable coercion, a null in a non-null field.
    return { message: error.message, ...at, extensions: { code: "graphql-validation-failed", status: 422 } };
  }
  if (original instanceof ApiError) return apiErrorJson(original, at);
  if (toDatabaseUnavailable(original)) {
    const { message, cause } = loggableError(original);
    console.error(
      JSON.stringify({
        level: "error",
        msg: "database unavailable",
        request_id: c.get("requestId"),
        error: message,
        cause,
      }),
    );
    return {
      message: "The database is unavailable. Try again shortly.",
      ...at,
      extensions: { code: "database-unavailable", status: 503 },
    };
  }
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error in a GraphQL resolver",
      request_id: c.get("requestId"),
      path: error.path,
      ...loggableError(original),
    }),
  );
  return {
    message: "An unexpected error occurred. Quote the request id when reporting it.",
    ...at,
    extensions: { code: "internal-error", status: 500 },
  };
}
