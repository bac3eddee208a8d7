/**
 * The declarative shape of an integration: a connector says where a service lives, how we
 * authenticate to it and which variables it needs; each operation says who may call it, what input
 * it takes (zod: validation and /api/docs), which upstream request that input becomes, and which
 * fields of the upstream answer we return. One executor (executor.ts) runs every operation, so
 * deadlines, error mapping, retries, caching and logging are the same for all eleven services.
 */
import type { z } from "zod";
import type { AppConfig } from "../../config.ts";

/** A configuration variable a connector reads (all optional in src/config.ts). */
export type ConfigVar = keyof AppConfig & string;

/** How credentials travel. Values are read from the config at call time, never stored elsewhere. */
export type AuthStyle =
  | { kind: "bearer"; token: ConfigVar; scheme?: "Bearer" | "Bot" }
  | { kind: "basic"; username: ConfigVar; password: ConfigVar }
  /** The URL itself is the secret (Slack and Discord incoming webhooks). */
  | { kind: "secret-url" };

export type Query = Record<string, string | number | boolean | undefined>;

/** What an operation asks of the upstream. `path` is appended to the connector's base URL. */
export type UpstreamRequest = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (Stripe, Twilio); nested keys already flattened. */
  form?: Record<string, string>;
  /** A GraphQL document (Railway): POSTed as JSON `{query, variables}` to `path`. */
  graphql?: { query: string; variables: Record<string, unknown> };
};

export type OperationInput = {
  params: Record<string, any>;
  query: Record<string, any>;
  body: Record<string, any>;
};

/** Who may call an operation. Admin: writes, spending, sends, infrastructure and the organisation's private data. */
export type Access = "admin" | "user";

export type Operation = {
  /** Unique within the connector; also the OpenAPI operationId suffix. */
  id: string;
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Our path below `/api/<service>`, in OpenAPI syntax (`/repos/{owner}/{repo}`). */
  path: string;
  summary: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  /** Our answer: also the filter (zod drops every field it does not name). */
  output: z.ZodType;
  status?: 200 | 201 | 202 | 204;
  /** Variables this operation needs beyond the connector's `requires` (or instead, with `replaceRequires`). */
  requires?: ConfigVar[];
  replaceRequires?: boolean;
  /** Overrides the connector's auth (incoming-webhook sends). */
  auth?: AuthStyle;
  /** Overrides the base URL (incoming-webhook sends: the secret URL). */
  baseUrl?: (config: AppConfig) => string | undefined;
  request: (input: OperationInput, config: AppConfig) => UpstreamRequest;
  /** Upstream JSON → the shape `output` describes (before zod filters it). Default: as is. */
  map?: (upstream: any, input: OperationInput) => unknown;
  /** Seconds to cache a read in Redis (GET only; the answer must not depend on the caller). */
  cacheTtl?: number;
  /** Stripe: pass the caller's `Idempotency-Key` header through. */
  idempotencyKey?: boolean;
  /**
   * For callers who are not admins (user-level reads): drop what is not public (the token may see
   * the organisation's private repositories or models). Applied after the cache.
   */
  publicOnly?: (value: any) => unknown;
  /** For non-admins: an operation of the same connector whose answer must be public first (a private repository is a 404). */
  requirePublic?: { operation: string; isPublic: (value: any) => boolean };
};

/** What an upstream error body says, and what a 200 that is really an error means (Slack's `ok:false`). */
export type UpstreamVerdict = { status: number; message?: string; retryAfter?: string };

export type Connector = {
  /** URL segment and health name: `/api/<name>/…`, `/api/health/<name>`. */
  name: string;
  title: string;
  /** Variables needed for the connector to count as configured (the first is the credential). */
  requires: ConfigVar[];
  /** Optional variables reported as `<name>_configured` by the status route. */
  optional?: ConfigVar[];
  baseUrl: (config: AppConfig) => string;
  auth: AuthStyle;
  /** Extra headers on every request (GitHub's API version, User-Agent). */
  headers?: Record<string, string>;
  /** Body encoding for writes. */
  encoding: "json" | "form" | "graphql";
  /** The upstream's error message from an error body. */
  errorMessage?: (body: any) => string | undefined;
  /** A 2xx body that reports a failure (Slack, Railway GraphQL, Cloudflare): the status to treat it as. */
  inspect?: (body: any) => UpstreamVerdict | undefined;
  /** The cheap read the status route runs (an operation id of this connector). */
  probe: string;
  operations: Operation[];
};

export const defineConnector = (c: Connector) => c;
