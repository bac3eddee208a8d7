import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { toDatabaseUnavailable } from "./db.ts";

/**
 * The one error format of the API: RFC 9457 problem details. `detail` is kept as a plain
 * string so clients of the original FastAPI service (which read `detail`) keep working.
 */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://blackroad.systems/problems/not-found" }),
    title: z.string().openapi({ example: "Not Found" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "Block 42 does not exist" }),
    request_id: z.string().openapi({ example: "5f2b8c1e-3a57-4c1e-9d1a-0c2f7e4b9a11" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field errors, for validation failures" }),
  })
  .openapi("Problem");

export type FieldError = { path: string; message: string };

const TITLES: Record<number, string> = {
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
export function fieldErrors(error: z.ZodError): FieldError[] {
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
export function validationHook(result: { success: boolean; error?: z.ZodError; data?: unknown }, c: Context) {
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

/** Problem responses for OpenAPI route definitions. */
/** What a client typically sees for each status (documentation examples: a code and a detail we send). */
const EXAMPLES: Record<number, [code: string, detail: string]> = {
  400: ["insufficient-balance", "Insufficient balance: 12.5 RC available, 20 RC needed (amount + fee)"],
  401: ["unauthorized", "Not authenticated"],
  403: ["forbidden", "Administrator rights required"],
  404: ["not-found", "Block 42 does not exist"],
  405: ["method-not-allowed", "DELETE is not allowed here; allowed: GET, POST"],
  409: ["conflict", "Username already registered"],
  411: ["length-required", "Send Content-Length with the upload"],
  412: ["precondition-failed", "The item changed since you read it (If-Match does not match its ETag)"],
  413: ["payload-too-large", "The body is larger than the 1 MiB allowed"],
  415: ["unsupported-media-type", "Send the body as application/json"],
  416: ["range-not-satisfiable", "The range starts past the end of the file"],
  422: ["validation-error", "Request validation failed"],
  426: ["upgrade-required", "This is a WebSocket endpoint: send Upgrade: websocket"],
  428: ["precondition-required", "Send If-Match with the ETag you read"],
  429: ["rate-limited", "Too many requests; retry after 12 s"],
  500: ["internal-error", "Something went wrong on our side; quote the request_id when you report it"],
  502: ["upstream-unavailable", "GitHub could not be reached"],
  503: ["database-unavailable", "The database is unavailable; retry shortly"],
  504: ["upstream-timeout", "GitHub did not answer within 10 s"],
};

function problemExample(status: number) {
  const [code, detail] = EXAMPLES[status] ?? ["error", TITLES[status] ?? "Error"];
  return {
    type: `https://blackroad.systems/problems/${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    request_id: "5f2b8c1e-3a57-4c1e-9d1a-0c2f7e4b9a11",
    ...(status === 422 ? { errors: [{ path: "amount", message: "must be greater than 0" }] } : {}),
  };
}

/** Problem responses for `responses`, each with an example of its own status (not one for all). */
export function problemResponses(...statuses: number[]) {
  const out: Record<
    number,
    {
      description: string;
      content: {
        "application/problem+json": { schema: typeof ProblemSchema; example: ReturnType<typeof problemExample> };
      };
    }
  > = {};
  for (const s of statuses) {
    out[s] = {
      description: TITLES[s] ?? "Error",
      content: { "application/problem+json": { schema: ProblemSchema, example: problemExample(s) } },
    };
  }
  return out;
}
