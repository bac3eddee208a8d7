import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { problemResponses } from "../lib/problem-responses.ts";
import { requireAdmin } from "../middleware/admin.ts";
import { AUTH_PROBLEM_STATUSES, BEARER_SECURITY, optionalAuth, requireAuth } from "../middleware/auth.ts";
import type { AppBindings } from "../types.ts";

/**
 * THE way to define a route (see docs/architecture.md, "Adding a route"):
 *
 *   const { anyone, user, admin } = routeKit("Social", "Posts, comments, likes and follows");
 *   export const getPost = user({ operationId: "getSocialPost", method: "get", path: "/api/social/posts/{id}",
 *     summary: "…", request: { params: PostIdParams }, responses: { 200: json(PostSchema, "The post"), ...problemResponses(404, 422) } });
 *
 * A preset sets the tag, the authorisation (middleware) and the matching OpenAPI `security`
 * (`[]` for anyone), and documents what every route of its kind can answer: 429 (every /api route
 * is rate-limited), 401/503 for signed-in routes, 403 for admin ones, and the headers every
 * response carries (X-Request-Id, RateLimit-*). `operationId` is required: generated clients name
 * their methods after it, and it must be unique (checked here, at definition time).
 */

type Security = Array<Record<string, string[]>>;

/** What a route module writes: everything but the preset's parts, with a required operationId. */
export type Operation = Omit<RouteConfig, "tags" | "security" | "operationId"> & {
  operationId: string;
  summary: string;
};

/** The document's top-level `tags`, with their descriptions, in the order the route modules load. */
export const TAGS = new Map<string, string>();
const OPERATION_IDS = new Set<string>();

/** A JSON response with its schema (`headers` optional: a zod object of the response's own headers). */
export const json = <T extends z.ZodType>(schema: T, description: string, headers?: z.ZodObject) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema } },
});

/** A JSON request body (required unless said otherwise), for `request: { ...jsonBody(S) }`. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { required, content: { "application/json": { schema } } },
});

/** Headers every response of the API carries (set by middleware/request-context and rate-limit). */
const COMMON_HEADERS = {
  "X-Request-Id": "This request's id (a well-formed incoming one is kept); quote it when reporting a problem",
} as const;
/** Sent by the rate limiter on /api routes when it counted the request (not when it was skipped). */
const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": "Requests allowed per window on this route",
  "RateLimit-Remaining": "Requests left in the current window",
  "RateLimit-Reset": "Seconds until the window resets",
} as const;
const RETRY_AFTER = { "Retry-After": "Seconds to wait before retrying" } as const;

type ResponseConfig = Exclude<RouteConfig["responses"][string], { $ref: string }>;

/** The response with the headers every response carries added to its own (zod or plain objects). */
function withCommonHeaders(status: string, response: ResponseConfig, rateLimited: boolean): ResponseConfig {
  const optional: Record<string, string> = {
    ...(rateLimited ? RATE_LIMIT_HEADERS : {}),
    ...(status === "429" || status === "503" ? RETRY_AFTER : {}),
  };
  const own = response.headers;
  if (own instanceof z.ZodObject) {
    const extra: Record<string, z.ZodType> = {
      "X-Request-Id": z.string().openapi({ description: COMMON_HEADERS["X-Request-Id"] }),
    };
    for (const [name, description] of Object.entries(optional))
      extra[name] = z.string().optional().openapi({ description });
    return { ...response, headers: own.extend(extra) };
  }
  const headers: Record<string, { description: string; required?: boolean; schema: { type: "string" } }> = {
    "X-Request-Id": { description: COMMON_HEADERS["X-Request-Id"], required: true, schema: { type: "string" } },
  };
  for (const [name, description] of Object.entries(optional))
    headers[name] = { description, schema: { type: "string" } };
  return { ...response, headers: { ...headers, ...(own ?? {}) } as ResponseConfig["headers"] };
}

function define(
  tag: string,
  access: string,
  security: Security,
  middleware: MiddlewareHandler<AppBindings>[],
  statuses: readonly number[],
) {
  // `P` keeps the path a literal type (as createRoute does), so typed clients see each route.
  return <P extends string, R extends Omit<Operation, "path"> & { path: P }>(config: R) => {
    if (OPERATION_IDS.has(config.operationId)) throw new Error(`Duplicate operationId ${config.operationId}`);
    OPERATION_IDS.add(config.operationId);
    const rateLimited = config.path.startsWith("/api");
    const declared = { ...problemResponses(...statuses, ...(rateLimited ? [429] : [])), ...config.responses };
    const responses = Object.fromEntries(
      Object.entries(declared).map(([status, r]) => [
        status,
        withCommonHeaders(status, r as ResponseConfig, rateLimited),
      ]),
    );
    const own =
      config.middleware === undefined ? [] : Array.isArray(config.middleware) ? config.middleware : [config.middleware];
    // Typed as the module wrote it (the added problem statuses are thrown, never returned by a handler).
    return createRoute({
      ...config,
      // Every operation says who may call it, after what the module wrote about it.
      description: config.description ? `${config.description}\n\n**Access:** ${access}` : `**Access:** ${access}`,
      tags: [tag],
      security,
      middleware: [...middleware, ...own],
      responses,
    }) as unknown as R & {
      tags: string[];
      security: Security;
      getRoutingPath(): string;
    };
  };
}

const ACCESS = {
  anyone: "anyone, no token.",
  maybeUser: "anyone; with a bearer token the answer is the signed-in user's (an invalid token is still 401).",
  user: "a signed-in user (bearer token). Another user's items answer 404, as if they did not exist.",
  admin: "an administrator (bearer token of an admin account; others get 403).",
  scheme: "the security scheme named below, checked by the route itself.",
} as const;

/**
 * The presets of one tag (one router):
 *   anyone        no token (`security: []`)
 *   maybeUser     a token is optional (anonymous when absent; a bad one is still 401)
 *   user          a signed-in user (401 without a valid token)
 *   admin         a signed-in administrator (401, then 403)
 *   scheme(s)     another security scheme, checked by the handler itself (the metrics scraper's token)
 */
export function routeKit(tag: string, description: string) {
  TAGS.set(tag, description);
  return {
    anyone: define(tag, ACCESS.anyone, [], [], []),
    maybeUser: define(tag, ACCESS.maybeUser, [...BEARER_SECURITY, {}], [optionalAuth], [401, 503]),
    user: define(tag, ACCESS.user, BEARER_SECURITY, [requireAuth], AUTH_PROBLEM_STATUSES),
    admin: define(tag, ACCESS.admin, BEARER_SECURITY, [requireAuth, requireAdmin], [401, 403, 503]),
    scheme: (security: Security) => define(tag, ACCESS.scheme, security, [], [401, 503]),
  };
}
