/**
 * Sending the matrix's cases and judging the answers: never a 5xx (but documented "not configured"
 * 503s), every 4xx a well-formed problem (or an RFC 6749 error at the token endpoint), no leaks.
 */
import { uncheckedApi } from "../api.ts";
import { retryingTransient503 } from "../transient.ts";

export type Case = {
  label: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A function for bodies that can be sent only once (streams). */
  body?: BodyInit | (() => BodyInit);
  /** The statuses this case may answer with, when narrower than "anything below 500". */
  expectStatus?: number[];
  /** A documented 503 this case may answer with: the problem type's last segment. */
  allow503?: string;
  /** Must not succeed: the input is a non-canonical spelling that must not resolve to a row. */
  mustFail?: boolean;
};

/** What no body may contain, whatever its status. */
export const LEAKS: Array<[string, RegExp]> = [
  ["a stack trace", /\n\s+at \S|\bat [\w$.<>]+ \(.*:\d+:\d+\)|\.ts:\d+:\d+/],
  [
    "SQL",
    /\b(Failed query|SELECT\b[\s\S]{0,200}\bFROM|INSERT INTO|UPDATE \S+ SET|DELETE FROM|syntax error at or near|violates (unique|foreign key|check|not-null) constraint|relation "\w+")/i,
  ],
  ["a vendor name", /neon|upstash/i],
  // The API's own public WebSocket URLs (a live-feed ticket's `url`) are answers, not leaks.
  [
    "a connection string",
    /\b(postgres(ql)?|rediss?):\/\/|\bwss?:\/\/(?!api\.example\.test\/)|DATABASE_URL|UPSTASH_REDIS/i,
  ],
];
/**
 * What no error body may contain either. Success bodies may name their dependencies (the health
 * summary and the dashboard's services list "postgres" and "redis" checks on purpose).
 */
export const ERROR_LEAKS: Array<[string, RegExp]> = [
  ["a driver or database name", /postgres|pglite|drizzle|redis|sqlstate/i],
];

export const STREAM_TYPES = ["text/event-stream"];

export function send(c: Case): Promise<Response> {
  return retryingTransient503(() =>
    uncheckedApi(c.url, {
      method: c.method,
      headers: c.headers,
      body: typeof c.body === "function" ? c.body() : c.body,
    }),
  );
}

export async function check(c: Case): Promise<string | undefined> {
  const where = `${c.method} ${c.url.length > 160 ? `${c.url.slice(0, 160)}…` : c.url} [${c.label}]`;
  let res: Response;
  try {
    res = await send(c);
  } catch (err) {
    return `${where}: the Worker threw ${String(err)}`;
  }
  const type = res.headers.get("content-type") ?? "";
  if (res.status === 101) {
    res.webSocket?.accept();
    res.webSocket?.close(1000, "done");
    return c.expectStatus?.includes(101) ? undefined : `${where}: unexpected 101`;
  }
  const streamed = STREAM_TYPES.some((t) => type.startsWith(t));
  if (streamed) await res.body?.cancel();
  const text = streamed ? "" : await res.text();
  const short = text.length > 300 ? `${text.slice(0, 300)}…` : text;

  if (c.expectStatus && !c.expectStatus.includes(res.status))
    return `${where}: expected ${c.expectStatus.join("/")}, got ${res.status}: ${short}`;
  if (res.status === 405 && !res.headers.get("Allow")) return `${where}: 405 without an Allow header`;
  if (c.mustFail && res.status < 400) return `${where}: a non-canonical id resolved to a row (${res.status}): ${short}`;
  // A feature whose variables are unset in the test environment (metrics, integrations) answers its
  // documented "not configured" 503, whatever the input: that is the answer, not a failure.
  const notConfigured = res.status === 503 && /\/problems\/[a-z-]+-not-configured"/.test(text);
  if (res.status >= 500 && !notConfigured && !(c.allow503 && text.includes(`/problems/${c.allow503}"`)))
    return `${where}: ${res.status} ${short}`;
  for (const [what, re] of LEAKS) if (re.test(text)) return `${where}: body contains ${what}: ${short}`;
  if (res.status >= 400) {
    for (const [what, re] of ERROR_LEAKS) if (re.test(text)) return `${where}: error body contains ${what}: ${short}`;
    // The OAuth2 token endpoint refuses in RFC 6749 §5.2 form (its documented 400), never with a problem.
    if (res.status === 400 && c.url.split("?")[0] === "/api/auth/token") {
      if (
        !type.startsWith("application/json") ||
        !/"error":"(invalid_request|invalid_grant|unsupported_grant_type)"/.test(text)
      ) {
        return `${where}: token endpoint 400 is not an RFC 6749 error: ${short}`;
      }
      return undefined;
    }
    if (!type.startsWith("application/problem+json"))
      return `${where}: ${res.status} with content-type ${type}: ${short}`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      return `${where}: ${res.status} problem body is not JSON: ${short}`;
    }
    for (const field of ["type", "title", "detail", "request_id"]) {
      if (typeof body[field] !== "string" || body[field] === "") return `${where}: problem without ${field}: ${short}`;
    }
    if (body.status !== res.status) return `${where}: problem status ${String(body.status)} ≠ HTTP ${res.status}`;
  }
  return undefined;
}

/**
 * Thousands of requests per test: generous deadlines, so a loaded machine (CI's second pass, other
 * suites in parallel) slows the matrix down without failing it; the cases judge the answers, not the time.
 */
export const MATRIX_TIMEOUT_MS = 360_000;

/** Runs the cases a few at a time; returns every failure (all of them, not just the first). */
export async function runAll(cases: Case[], concurrency = 16): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases.length) {
        const failure = await check(cases[next++]!);
        if (failure) failures.push(failure);
      }
    }),
  );
  return failures;
}

// ---------------------------------------------------------------------------------------------
// Special operations
// ---------------------------------------------------------------------------------------------
