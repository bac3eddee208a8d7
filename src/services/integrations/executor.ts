/**
 * The one executor every integration operation runs through.
 *
 *   - not configured: a 503 problem naming the variables to set, and no outbound call;
 *   - a deadline for the whole call, retries included (INTEGRATIONS_TIMEOUT_MS, 10 s by default);
 *   - an upstream body larger than MAX_RESPONSE_BYTES is refused, not buffered;
 *   - upstream failures mapped into our problem format (see mapUpstreamStatus);
 *   - retries (2, short backoff) only for reads, only on network errors and 5xx;
 *   - reads with a `cacheTtl` are cached in Redis under `api:cache:integrations:…` (a Redis failure
 *     is a miss, never an error);
 *   - one JSON log line per failure, with the request id, the service, the operation, our status and
 *     the upstream's; never a URL (incoming-webhook URLs are secrets), a header or a body.
 *
 * No secret reaches a response: answers are filtered by each operation's output schema, and any
 * upstream message quoted in an error has every configured secret value cut out.
 */
import canonicalize from "canonicalize";
import type { AppConfig } from "../../config.ts";
import { ApiError, notFound } from "../../lib/errors.ts";
import { recordDependency } from "../../lib/metrics/record.ts";
import type { Redis } from "../../lib/redis.ts";
import type { AuthStyle, Connector, Operation, OperationInput, UpstreamRequest } from "./types.ts";

export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const RETRY_BACKOFF_MS = [150, 400];
const CACHE_PREFIX = "api:cache:integrations:";

export type CallContext = {
  config: AppConfig;
  /** Absent: no caching (status probes keep their own cache). */
  redis?: Redis;
  requestId: string;
  /** Admins see everything the token sees; others only what `publicOnly` keeps. */
  isAdmin: boolean;
  idempotencyKey?: string;
};

export type CallResult = { value: unknown; cache: "HIT" | "MISS" | null };

/** Variables an operation (or, without one, the connector) still needs. */
export function missingVars(config: AppConfig, connector: Connector, op?: Operation): string[] {
  const names = op?.replaceRequires ? (op.requires ?? []) : [...connector.requires, ...(op?.requires ?? [])];
  return names.filter((name) => !config[name]);
}

export const notConfigured = (connector: Connector, missing: string[]) =>
  new ApiError(503, "integration-not-configured", `${connector.title} is not configured: set ${missing.join(", ")}`);

export function findOperation(connector: Connector, id: string): Operation {
  const op = connector.operations.find((o) => o.id === id);
  if (!op) throw new Error(`${connector.name} has no operation ${id}`);
  return op;
}

/** Runs one operation for a caller. Throws ApiError for every failure. */
export async function callOperation(
  ctx: CallContext,
  connector: Connector,
  op: Operation,
  input: OperationInput,
): Promise<CallResult> {
  const missing = missingVars(ctx.config, connector, op);
  if (missing.length) throw notConfigured(connector, missing);

  if (!ctx.isAdmin && op.requirePublic) {
    const gate = findOperation(connector, op.requirePublic.operation);
    const { value } = await callOperation({ ...ctx, isAdmin: true }, connector, gate, {
      params: input.params,
      query: {},
      body: {},
    });
    // A private resource the token can see is, for a non-admin, a resource that does not exist.
    if (!op.requirePublic.isPublic(value)) throw notFound(`${connector.title}: no such public resource`);
  }

  const cacheable = op.method === "get" && op.cacheTtl !== undefined && ctx.redis !== undefined;
  const key = cacheable ? await cacheKey(ctx.config, connector, op, input) : "";
  let result: CallResult | undefined;
  if (cacheable) {
    const hit = await ctx.redis!.get<string>(key).catch(() => null);
    if (typeof hit === "string") result = { value: JSON.parse(hit), cache: "HIT" };
  }
  if (!result) {
    const value = await callUpstream(ctx, connector, op, input);
    if (cacheable) {
      await ctx.redis!.set(key, JSON.stringify(value), { ex: op.cacheTtl! }).catch(() => undefined);
    }
    result = { value, cache: cacheable ? "MISS" : null };
  }
  if (!ctx.isAdmin && op.publicOnly) result = { ...result, value: op.publicOnly(result.value) };
  return result;
}

/** The upstream call alone: deadline, retries, size cap, error mapping, output filter. Also used by the status probes. */
export async function callUpstream(
  ctx: CallContext,
  connector: Connector,
  op: Operation,
  input: OperationInput,
): Promise<unknown> {
  const started = Date.now();
  const log = (status: number, reason: string, upstreamStatus: number | null, attempts: number) =>
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "integration call failed",
        request_id: ctx.requestId,
        service: connector.name,
        operation: op.id,
        status,
        reason,
        upstream_status: upstreamStatus,
        attempts,
        duration_ms: Date.now() - started,
      }),
    );

  const req = op.request(input, ctx.config);
  const timeoutMs = ctx.config.INTEGRATIONS_TIMEOUT_MS;
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  // Our GET operations are reads even where the upstream wants a POST (GraphQL, Slack's auth.test).
  const maxAttempts = op.method === "get" ? 1 + RETRY_BACKOFF_MS.length : 1;
  let attempts = 0;
  try {
    for (;;) {
      attempts++;
      let res: Response | undefined;
      let text = "";
      const attemptStarted = performance.now();
      // One dependency series per service: each attempt, ok unless unreachable, too slow or a 5xx.
      const record = (ok: boolean) =>
        recordDependency(`integration:${connector.name}`, (performance.now() - attemptStarted) / 1000, ok);
      try {
        res = await fetch(buildUrl(ctx.config, connector, op, req), {
          method: req.method,
          headers: buildHeaders(ctx, connector, op, req),
          body: buildBody(connector, req),
          signal: controller.signal,
        });
        text = await readCapped(res, controller.signal);
        record(res.status < 500);
      } catch (err) {
        record(false);
        if (expired)
          throw failure(504, "upstream-timeout", `${connector.title} did not answer within ${timeoutMs / 1000} s`);
        if (err instanceof ApiError) throw err;
        if (attempts < maxAttempts && (await backoff(attempts, started, timeoutMs))) continue;
        throw failure(502, "upstream-unavailable", `${connector.title} could not be reached`);
      }
      const body = parseBody(text);
      const verdict = res.ok ? connector.inspect?.(body) : undefined;
      const status = verdict?.status ?? res.status;
      if (status >= 200 && status < 300) {
        if (op.status === 204) return null;
        const parsed = op.output.safeParse(op.map ? op.map(body, input) : body);
        if (!parsed.success) {
          throw failure(502, "upstream-malformed", `${connector.title} answered in an unexpected shape`, status);
        }
        return parsed.data;
      }
      if (status >= 500 && attempts < maxAttempts && (await backoff(attempts, started, timeoutMs))) continue;
      const message = verdict?.message ?? connector.errorMessage?.(body);
      const retryAfter = verdict?.retryAfter ?? res.headers.get("Retry-After") ?? undefined;
      throw mapUpstreamStatus(connector, status, scrub(ctx.config, message), retryAfter);
    }
  } catch (err) {
    if (err instanceof UpstreamFailure) {
      log(err.status, err.code, err.upstreamStatus, attempts);
      throw err;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** An ApiError that remembers the upstream status (for the log line). */
class UpstreamFailure extends ApiError {
  constructor(
    status: 404 | 409 | 422 | 429 | 502 | 504,
    code: string,
    detail: string,
    readonly upstreamStatus: number | null,
    headers?: Record<string, string>,
  ) {
    super(status, code, detail, headers ? { headers } : {});
  }
}

const failure = (status: 502 | 504, code: string, detail: string, upstreamStatus: number | null = null) =>
  new UpstreamFailure(status, code, detail, upstreamStatus);

/**
 * Upstream status → ours. 401/403: our credentials were refused, which is our problem, not the
 * caller's (502). 404 stays 404. 400/422: the upstream refused the input (422, its message quoted).
 * 409 stays a conflict. 429: passed on with its Retry-After. Anything else: 502.
 */
export function mapUpstreamStatus(
  connector: Connector,
  status: number,
  message: string | undefined,
  retryAfter?: string,
): ApiError {
  const said = message ? `: ${message}` : "";
  if (status === 401 || status === 403) {
    return new UpstreamFailure(
      502,
      "upstream-credentials-rejected",
      `${connector.title} rejected our credentials`,
      status,
    );
  }
  if (status === 404)
    return new UpstreamFailure(404, "not-found", `${connector.title} has no such resource${said}`, status);
  if (status === 400 || status === 422)
    return new UpstreamFailure(422, "upstream-rejected-input", `${connector.title} refused the request${said}`, status);
  if (status === 409)
    return new UpstreamFailure(409, "conflict", `${connector.title} reported a conflict${said}`, status);
  if (status === 429) {
    const seconds = retryAfterSeconds(retryAfter);
    return new UpstreamFailure(
      429,
      "upstream-rate-limited",
      `${connector.title} is rate limiting us; retry in ${seconds} s`,
      status,
      {
        "Retry-After": String(seconds),
      },
    );
  }
  return new UpstreamFailure(502, "upstream-error", `${connector.title} failed (HTTP ${status})`, status);
}

/** Retry-After in seconds (an HTTP date is converted); 60 when absent or unreadable; at most an hour. */
function retryAfterSeconds(value: string | undefined): number {
  if (value && /^\d+$/.test(value.trim())) return Math.min(3600, Number(value.trim()));
  const date = value ? Date.parse(value) : NaN;
  if (!Number.isNaN(date)) return Math.min(3600, Math.max(1, Math.ceil((date - Date.now()) / 1000)));
  return 60;
}

/** Waits before a retry when the deadline leaves room for it; false when it does not. */
async function backoff(attempt: number, started: number, timeoutMs: number): Promise<boolean> {
  const wait = RETRY_BACKOFF_MS[attempt - 1] ?? 0;
  if (Date.now() - started + wait >= timeoutMs / 2) return false;
  await new Promise((resolve) => setTimeout(resolve, wait));
  return true;
}

function buildUrl(config: AppConfig, connector: Connector, op: Operation, req: UpstreamRequest): string {
  const base = (op.baseUrl ?? connector.baseUrl)(config) ?? "";
  const url = new URL(base.replace(/\/+$/, "") + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

function authHeader(config: AppConfig, auth: AuthStyle): string | undefined {
  if (auth.kind === "bearer") return `${auth.scheme ?? "Bearer"} ${config[auth.token]}`;
  if (auth.kind === "basic") return `Basic ${btoa(`${config[auth.username]}:${config[auth.password]}`)}`;
  return undefined;
}

function buildHeaders(ctx: CallContext, connector: Connector, op: Operation, req: UpstreamRequest): Headers {
  const headers = new Headers({ Accept: "application/json", "User-Agent": "BlackRoad-OS-API", ...connector.headers });
  const auth = authHeader(ctx.config, op.auth ?? connector.auth);
  if (auth) headers.set("Authorization", auth);
  if (req.form) headers.set("Content-Type", "application/x-www-form-urlencoded");
  else if (req.json !== undefined || req.graphql) headers.set("Content-Type", "application/json");
  if (op.idempotencyKey && ctx.idempotencyKey) headers.set("Idempotency-Key", ctx.idempotencyKey);
  return headers;
}

function buildBody(connector: Connector, req: UpstreamRequest): string | undefined {
  if (req.form) return new URLSearchParams(req.form).toString();
  if (req.graphql) return JSON.stringify(req.graphql);
  if (req.json !== undefined) return JSON.stringify(req.json);
  void connector;
  return undefined;
}

/** The body as text, refusing (and cancelling) one above MAX_RESPONSE_BYTES. */
async function readCapped(res: Response, signal: AbortSignal): Promise<string> {
  const declared = Number(res.headers.get("Content-Length"));
  if (declared > MAX_RESPONSE_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw failure(502, "upstream-response-too-large", "The upstream answer is too large", res.status);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    if (signal.aborted) throw new Error("aborted");
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw failure(502, "upstream-response-too-large", "The upstream answer is too large", res.status);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // Slack's incoming webhook answers `ok`; error pages are HTML
  }
}

/** Every configured secret value, for scrubbing upstream messages. */
const SECRET_VARS = /TOKEN|SECRET|KEY|PASSWORD|DSN|WEBHOOK_URL|AUTH/;

/** An upstream message fit to quote: one line, at most 300 characters, no secret value in it. */
export function scrub(config: AppConfig, message: unknown): string | undefined {
  if (typeof message !== "string" || message.trim() === "") return undefined;
  let out = message.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  for (const [name, value] of Object.entries(config)) {
    if (SECRET_VARS.test(name) && typeof value === "string" && value.length >= 6)
      out = out.split(value).join("[redacted]");
  }
  return out.length > 300 ? `${out.slice(0, 297)}…` : out;
}

async function cacheKey(
  config: AppConfig,
  connector: Connector,
  op: Operation,
  input: OperationInput,
): Promise<string> {
  // The base URL joins the key: pointing the connector elsewhere must not serve the old answers.
  const canonical = canonicalize({ base: (op.baseUrl ?? connector.baseUrl)(config) ?? "", input }) ?? "";
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${CACHE_PREFIX}${connector.name}:${op.id}:${hex}`;
}
