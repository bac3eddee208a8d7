import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../lib/errors.ts";
import type { AppBindings } from "../types.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Uploads of the Files app: the multipart one is limited to FILES_MAX_FILE_BYTES plus room for the
 * form's envelope (counted the same way); the raw PUTs stream to storage through a stream of exactly
 * their Content-Length, checked against the limit before a byte is read, and accept any Content-Type.
 */
const MULTIPART_UPLOAD = /^\/api\/files\/upload\/?$/;
const RAW_BODY = /^\/api\/files\/(stream|\d+\/content)\/?$/;
export const UPLOAD_ENVELOPE_BYTES = 64 * 1024;
const uploadLimits = new Map<number, ReturnType<typeof bodyLimit>>();
function uploadLimit(maxFileBytes: number) {
  let limit = uploadLimits.get(maxFileBytes);
  if (!limit) {
    limit = bodyLimit({
      maxSize: maxFileBytes + UPLOAD_ENVELOPE_BYTES,
      onError: () => {
        throw new ApiError(413, "payload-too-large", `Files are limited to ${maxFileBytes} bytes`);
      },
    });
    uploadLimits.set(maxFileBytes, limit);
  }
  return limit;
}

/** Counts the bytes actually read, so a missing or lying Content-Length cannot slip past. */
const jsonBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "payload-too-large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  },
});
export const limitBody = createMiddleware<AppBindings>((c, next) => {
  if (c.req.method === "PUT" && RAW_BODY.test(c.req.path)) return next();
  if (MULTIPART_UPLOAD.test(c.req.path)) return uploadLimit(c.get("config").FILES_MAX_FILE_BYTES)(c, next);
  return jsonBodyLimit(c, next);
});

const ACCEPTED_BODY_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"];

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** A body in a format no route reads is a 415, not a confusing validation error. */
export const requireKnownContentType = createMiddleware<AppBindings>(async (c, next) => {
  if (!BODY_METHODS.has(c.req.method) || (c.req.method === "PUT" && RAW_BODY.test(c.req.path))) return next();
  const length = c.req.header("content-length");
  const hasBody = (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
  if (hasBody) {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!ACCEPTED_BODY_TYPES.includes(type) && !type.endsWith("+json")) {
      throw new ApiError(415, "unsupported-media-type", "Send the request body as application/json");
    }
  }
  await next();
});

const CORS_ALLOW_METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS";
const CORS_ALLOW_HEADERS = "Authorization,Content-Type,Idempotency-Key,If-None-Match,X-Request-Id";
const CORS_EXPOSE_HEADERS =
  "X-Request-Id,X-Cache,ETag,Retry-After,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Server-Timing,X-Next-Cursor,Link";

/**
 * CORS from ALLOWED_ORIGINS with credentials. Hono's cors() still sends Allow-Credentials to
 * origins it rejects; here a disallowed origin gets no CORS header at all.
 */
export const corsFromConfig = createMiddleware<AppBindings>(async (c, next) => {
  const origin = c.req.header("Origin");
  const allowed = c.get("config").ALLOWED_ORIGINS;
  const permitted = origin !== undefined && (allowed.includes(origin) || allowed.includes("*"));
  const preflight = c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method") !== undefined;

  if (preflight) {
    const headers = new Headers({ Vary: "Origin" });
    if (permitted) {
      headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Access-Control-Allow-Credentials", "true");
      headers.set("Access-Control-Allow-Methods", CORS_ALLOW_METHODS);
      headers.set("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
      headers.set("Access-Control-Max-Age", "600");
    }
    return new Response(null, { status: 204, headers });
  }

  await next();
  c.res.headers.append("Vary", "Origin");
  if (permitted) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Allow-Credentials", "true");
    c.res.headers.set("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
  }
});
