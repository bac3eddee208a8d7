import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { toDatabaseUnavailable } from "./db.ts";

/**
 * The one error format of the API: RFC 9457 problem details (`problemBody`). `detail` is kept as a
 * plain string so clients of the original FastAPI service (which read `detail`) keep working. Its
 * OpenAPI schema is in problem-responses.ts, which only route modules load (it needs the full zod).
 */
export type FieldError = { path: string; message: string };

export const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  422: "Unprocessable Content",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** An error a handler throws on purpose; `onError` turns it into a problem response. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }
}

export const badRequest = (detail: string, code = "bad-request") => new ApiError(400, code, detail);
export const unauthorized = (detail = "Not authenticated", code = "unauthorized") =>
  new ApiError(401, code, detail, { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });
export const forbidden = (detail: string) => new ApiError(403, "forbidden", detail);
export const notFound = (detail: string) => new ApiError(404, "not-found", detail);
export const conflict = (detail: string, code = "conflict") => new ApiError(409, code, detail);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new ApiError(422, "validation-error", detail, { errors });
export const serviceUnavailable = (detail: string, code = "service-unavailable") =>
  new ApiError(503, code, detail, { headers: { "Retry-After": "5" } });

export function problemBody(c: Context, status: number, code: string, detail: string, errors?: FieldError[]) {
  return {
    type: `https://blackroad.systems/problems/${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    request_id: (c.get("requestId") as string | undefined) ?? "",
    ...(errors?.length ? { errors } : {}),
  };
}

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  opts: { errors?: FieldError[]; headers?: Record<string, string> } = {},
) {
  const res = c.json(problemBody(c, status, code, detail, opts.errors), status, opts.headers);
  res.headers.set("Content-Type", "application/problem+json");
  return res;
}

/** zod issues → `{path, message}` with dotted paths (`cc.0`), or `body` for the root. */
export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join(".") : "body",
    message: issue.message,
  }));
}

/** Keys whose values are hashed or compared, never stored as text: NUL is legal in them (bcrypt keeps it). */
const NUL_ALLOWED_KEY = /password$/i;

/**
 * The path of the first string in validated input that contains U+0000, which Postgres `text`
 * cannot store (the driver error would otherwise surface as a 500). Plain objects and arrays only.
 */
export function nulPath(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "body" : undefined;
  if (depth > 64 || value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], [...path, String(i)], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (NUL_ALLOWED_KEY.test(key)) continue;
    const found = nulPath(item, [...path, key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Validation hook for every OpenAPI route: a failed schema is a 422 problem, and so is a NUL
 * character anywhere in the validated body, query or path (see nulPath).
 */
export function validationHook(result: { success: boolean; error?: ZodError; data?: unknown }, c: Context) {
  if (!result.success && result.error) {
    const errors = fieldErrors(result.error);
    const first = errors[0];
    return problem(c, 422, "validation-error", first ? `${first.path}: ${first.message}` : "Invalid request", {
      errors,
    });
  }
  const nul = result.success ? nulPath(result.data) : undefined;
  if (nul !== undefined) {
    const message = "must not contain NUL (U+0000) characters";
    return problem(c, 422, "validation-error", `${nul}: ${message}`, { errors: [{ path: nul, message }] });
  }
  return undefined;
}

/**
 * An error as it may be logged. Drizzle's "Failed query" errors carry every bound parameter in
 * their message (emails, token hashes, ciphertexts, request bodies): those values are dropped; the
 * parameterised SQL text and the driver's own message (the cause) are kept.
 */
export function loggableError(err: Error): { message: string; stack?: string; cause?: string } {
  const { query, params } = err as { query?: unknown; params?: unknown };
  const message =
    typeof query === "string" && Array.isArray(params)
      ? `Failed query: ${query} (${params.length} parameters not logged)`
      : err.message;
  const stack = typeof err.stack === "string" ? err.stack.replace(err.message, message) : undefined;
  const cause = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}`.slice(0, 500) : undefined;
  return { message, ...(stack !== undefined ? { stack } : {}), ...(cause !== undefined ? { cause } : {}) };
}

export function onError(err: Error, c: Context) {
  c.set("failure", err);
  if (err instanceof ApiError) {
    return problem(c, err.status, err.code, err.detail, err.extra);
  }
  if (err instanceof HTTPException) {
    // Hono raises these for malformed JSON (400) and body limits (413), among others.
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? "payload-too-large" : status === 400 ? "malformed-request" : "http-error";
    return problem(c, status, code, err.message || TITLES[status] || "Request failed");
  }
  if (toDatabaseUnavailable(err)) {
    const { message, cause } = loggableError(err);
    console.error(
      JSON.stringify({
        level: "error",
        msg: "database unavailable",
        request_id: c.get("requestId"),
        error: message,
        cause,
      }),
    );
    return problem(c, 503, "database-unavailable", "The database is unavailable. Try again shortly.", {
      headers: { "Retry-After": "5" },
    });
  }
  // Unexpected: log with the request id; the client gets no stack, SQL or driver message.
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      request_id: c.get("requestId"),
      error: err.name,
      ...loggableError(err),
    }),
  );
  return problem(c, 500, "internal-error", "An unexpected error occurred. Quote the request id when reporting it.");
}

export function onNotFound(c: Context) {
  return problem(c, 404, "not-found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
}
