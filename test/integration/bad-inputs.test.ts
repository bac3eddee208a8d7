/**
 * The bad-input matrix, generated from the Worker's own `/api/openapi.json`: every documented
 * operation (every path, every method) gets malformed and hostile path parameters, query strings,
 * headers and bodies, with and without a valid bearer token. For every answer:
 *
 *   - never a 5xx;
 *   - every 4xx is `application/problem+json` with `type, title, status, detail, request_id`
 *     (and `status` equal to the HTTP status);
 *   - no body (of any status) carries a stack trace, SQL text, a driver or vendor name (`neon`,
 *     `upstash`) or a connection string.
 *
 * A new route is covered as soon as it is in the docs. Operations that need different assertions
 * are named in SPECIAL below, each with the reason; they still get the whole matrix except where
 * said. Requests carry no CF-Connecting-IP, so the rate limiter stays out of the way (tests only),
 * and chain routes work on an isolated test chain (X-Test-Chain) so no other test sees our writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, uncheckedApi } from "../helpers/api.ts";
import { installFakeUpstreams } from "../helpers/fake-upstream.ts";
import { retryingTransient503 } from "../helpers/transient.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

// ---------------------------------------------------------------------------------------------
// The spec, as the Worker serves it
// ---------------------------------------------------------------------------------------------

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
  format?: string;
  pattern?: string;
};
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
  responses?: Record<string, unknown>;
};
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

type Op = { method: string; path: string; op: Operation };

let spec: Spec;
let ops: Op[];

function resolve(schema: Schema): Schema {
  return schema.$ref ? resolve(spec.components.schemas[schema.$ref.split("/").pop()!]!) : schema;
}

function types(schema: Schema): string[] {
  const s = resolve(schema);
  if (s.anyOf) return s.anyOf.flatMap(types);
  if (s.enum) return ["string"];
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A plausible value for a schema: its example, else a simple value of its first type. */
function sample(schema: Schema): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf) return sample(s.anyOf.find((a) => !types(a).includes("null")) ?? s.anyOf[0]!);
  switch (types(s).find((t) => t !== "null")) {
    case "string":
      return s.format === "email" ? "someone@example.com" : s.format === "uri" ? "https://example.com/x" : "text";
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return null;
  }
}

/**
 * Base values that must not be the schema's example: a body that happens to be valid apart from a
 * harmless bad field must not register a fixed username, nor start the caller's miner (which would
 * mine on the main chain for the rest of the run).
 */
const BASE_OVERRIDES: Record<string, () => Record<string, unknown>> = {
  "POST /api/auth/register": () => {
    const name = `m${crypto.randomUUID().slice(0, 12).replace("-", "")}`;
    return { username: name, email: `${name}@example.com` };
  },
  "POST /api/miner/control": () => ({ action: "stop" }),
  // The caller's file stays private: the ownership cases check that another user cannot see it.
  "PATCH /api/files/{id}": () => ({ is_public: false }),
};

/** A body with every property set to a plausible value, so one bad field is what gets judged. */
function sampleBody(op: Op, schema: Schema): Record<string, unknown> {
  const s = resolve(schema);
  const base = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]));
  return { ...base, ...BASE_OVERRIDES[`${op.method} ${op.path}`]?.() };
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

const HUGE = "x".repeat(100 * 1024);
const HEX63 = "a".repeat(63);

/** Bad path parameter values, exactly as they appear in the URL. */
const BAD_PATH_VALUES = [
  "abc",
  "-1",
  "0",
  "99999999999999999999",
  HEX63,
  "%00",
  encodeURIComponent("' OR 1=1 --"),
  "1.5",
  "1e3",
  "%2e%2e%2f",
  "x".repeat(4096),
];

/** Raw JSON number literals (JSON.stringify cannot write them): replaced into the text after stringify. */
const RAW = "\u0000raw:";
const raw = (literal: string) => `${RAW}${literal}`;
const toJson = (value: unknown) => JSON.stringify(value).replace(new RegExp(`"${RAW}([^"]*)"`, "g"), "$1");

/** Wrong or hostile values for a body field, chosen by the field's documented type. */
function badFieldValues(schema: Schema): Array<[string, unknown]> {
  const t = types(schema);
  const out: Array<[string, unknown]> = [
    ["an object", { $ne: null }],
    ["an array of objects", [{}]],
  ];
  if (!t.includes("null")) out.push(["null", null]);
  if (t.includes("string")) {
    out.push(
      ["a number instead of a string", 12345],
      ["a boolean", true],
      ["100 KB", HUGE],
      ["NUL and CRLF", "a\u0000b\r\nBcc: x@y.z"],
      ["SQL", "' OR 1=1 --"],
    );
  }
  if (t.includes("integer") || t.includes("number")) {
    out.push(
      ["a string instead of a number", "abc"],
      ["a numeric string", "12"],
      ["1e309 (Infinity once parsed)", raw("1e309")],
      ["-1e309", raw("-1e309")],
      ["2^53+1", raw("9007199254740993")],
      ["20 digits", raw("99999999999999999999")],
      ["-1", -1],
      ["-0", raw("-0")],
      ["1.5", 1.5],
      ['"NaN"', "NaN"],
      ['"Infinity"', "Infinity"],
    );
  }
  if (t.includes("boolean")) out.push(["a string instead of a boolean", "yes"], ["a number instead of a boolean", 1]);
  if (t.includes("array"))
    out.push(
      ["a huge array", Array.from({ length: 10_000 }, () => "x@example.com")],
      ["an array of numbers", [1, 2]],
      ["an array of 100 KB strings", [HUGE]],
    );
  if (t.includes("object"))
    out.push(
      ["a string instead of an object", "x"],
      ["a deeply nested object", JSON.parse("[".repeat(2000) + "]".repeat(2000))],
    );
  return out;
}

type Case = {
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

// ---------------------------------------------------------------------------------------------
// Users and resources
// ---------------------------------------------------------------------------------------------

/** The main caller; `other` owns resources the caller must not see; `doomed` is logged out by the logout cases. */
let caller: TestUser;
let other: TestUser;
let doomed: TestUser;

/** Ids of real rows, so "valid-looking" path values also reach the handlers past the 404. */
const real: Record<string, number> = {};

const TEST_CHAIN = "t_badinputs";
const MATRIX_DEVICE = "matrix-pi";

/** Path params that name a real row: the first pattern a path matches wins. */
function realIds(path: string): Record<string, string> {
  const id = (n: number | undefined): Record<string, string> => (n === undefined ? {} : { id: String(n) });
  if (path.startsWith("/api/ai_chat/conversations/")) return id(real.conversation);
  if (path.startsWith("/api/email/folders/")) return id(real.folder);
  if (path.startsWith("/api/email/drafts/")) return id(real.draft);
  if (path.startsWith("/api/email/")) return id(real.email);
  if (path.startsWith("/api/social/posts/")) return { ...id(real.post), commentId: String(real.comment) };
  if (path.startsWith("/api/social/users/")) return id(other.id);
  if (path.startsWith("/api/video/")) return { ...id(real.video), commentId: String(real.videoComment) };
  if (path.startsWith("/api/files/folders/")) return id(real.fileFolder);
  if (path.startsWith("/api/files/shared/")) return { token: "x" };
  if (path.startsWith("/api/files/")) return { ...id(real.file), shareId: "00000000-0000-4000-8000-000000000000" };
  if (path.startsWith("/api/capture/items/")) return id(real.captureItem);
  if (path.startsWith("/api/creator/projects/")) return { ...id(real.creatorProject), fileId: String(real.file) };
  if (path.startsWith("/api/devices/"))
    return { device_id: MATRIX_DEVICE, command_id: "00000000-0000-4000-8000-000000000000" };
  if (path.startsWith("/api/blockchain/blocks/")) return { block_id: "0" };
  if (path.startsWith("/api/blockchain/transactions/")) return { tx_hash: "a".repeat(64) };
  return {};
}

async function created(res: Response): Promise<{ id: number }> {
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`setup: ${res.status} ${text}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// Checking one answer
// ---------------------------------------------------------------------------------------------

/** What no body may contain, whatever its status. */
const LEAKS: Array<[string, RegExp]> = [
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
const ERROR_LEAKS: Array<[string, RegExp]> = [["a driver or database name", /postgres|pglite|drizzle|redis|sqlstate/i]];

const STREAM_TYPES = ["text/event-stream"];

function send(c: Case): Promise<Response> {
  return retryingTransient503(() =>
    uncheckedApi(c.url, {
      method: c.method,
      headers: c.headers,
      body: typeof c.body === "function" ? c.body() : c.body,
    }),
  );
}

async function check(c: Case): Promise<string | undefined> {
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
const MATRIX_TIMEOUT_MS = 360_000;

/** Runs the cases a few at a time; returns every failure (all of them, not just the first). */
async function runAll(cases: Case[], concurrency = 16): Promise<string[]> {
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

/**
 * Operations whose good path is not a plain JSON response:
 *   - GET /api/blockchain/ws is a WebSocket upgrade. Without `Upgrade: websocket` it must be a 426
 *     problem (asserted for every variant); with it, a 101 carrying a socket (asserted once below).
 *   - POST /api/auth/logout ends the caller's session(s): it runs as `doomed`, never as `caller`,
 *     so the rest of the matrix keeps a live token.
 *   - POST /api/ai_chat/conversations/{id}/messages streams SSE when asked for text/event-stream;
 *     with no AI provider configured (the test environment), a valid message is a documented 503
 *     "not configured" problem: in the matrix, a body that happens to be valid (an extra field,
 *     odd but legal text) may answer that 503 and nothing else; the 503 for JSON and for streams,
 *     and the 4xx for bad streamed bodies, are asserted on their own below.
 *   - GET/HEAD requests cannot carry a body (fetch refuses to build one), so body cases skip them.
 */
const WS_PATH = "/api/blockchain/ws";
const LOGOUT_PATH = "/api/auth/logout";
const SSE_PATH = "/api/ai_chat/conversations/{id}/messages";

function authHeaders(path: string, auth: "none" | "valid" | "garbage"): Record<string, string> {
  if (auth === "none") return {};
  if (auth === "garbage") return { Authorization: "Bearer not.a.token" };
  return path === LOGOUT_PATH ? doomed.headers : caller.headers;
}

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? "2147483646");
}

function pathParams(op: Op): string[] {
  return [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

const AUTHS = ["none", "valid"] as const;

function baseHeaders(op: Op, auth: "none" | "valid" | "garbage"): Record<string, string> {
  return { "X-Test-Chain": TEST_CHAIN, ...authHeaders(op.path, auth) };
}

const UNKNOWN_FIELD = "unknown extra field";
const FILE_UPLOADS = /^\/api\/files\/(upload|stream|\{id\}\/content)$/;

function expectFor(op: Op): number[] | undefined {
  return op.path === WS_PATH ? [426] : undefined;
}

/** Path params: each param in turn takes every bad value (others stay valid-looking), plus the valid-looking URLs themselves. */
function pathCases(op: Op): Case[] {
  const names = pathParams(op);
  const cases: Case[] = [];
  for (const auth of [...AUTHS, "garbage"] as const) {
    const headers = baseHeaders(op, auth);
    const expectStatus = expectFor(op);
    cases.push({
      label: `${auth} token, missing row`,
      method: op.method,
      url: fillPath(op.path, {}),
      headers,
      expectStatus,
    });
    if (names.length)
      cases.push({
        label: `${auth} token, real row`,
        method: op.method,
        url: fillPath(op.path, realIds(op.path)),
        headers,
        expectStatus,
      });
    for (const name of names) {
      for (const value of BAD_PATH_VALUES) {
        cases.push({
          label: `${auth} token, ${name}=${value.slice(0, 24)}`,
          method: op.method,
          url: fillPath(op.path, { ...realIds(op.path), [name]: value }),
          headers,
          expectStatus,
        });
      }
      // Other spellings of the real row's id: a number parser that coerces would find the row.
      const realValue = realIds(op.path)[name];
      if (realValue !== undefined && /^\d+$/.test(realValue)) {
        const n = Number(realValue);
        for (const alias of [`0${n}`, `+${n}`, `${n}.0`, `0x${n.toString(16)}`, `%20${n}`, `${n}%20`, `${n}e0`]) {
          cases.push({
            label: `${auth} token, ${name}=${alias} (the real id, spelled otherwise)`,
            method: op.method,
            url: fillPath(op.path, { ...realIds(op.path), [name]: alias }),
            headers,
            expectStatus,
            mustFail: true,
          });
        }
      }
    }
  }
  return cases;
}

/** Query strings: pagination abuse on every operation, type-driven bad values for each documented query param. */
function queryCases(op: Op): Case[] {
  const url = fillPath(op.path, realIds(op.path));
  const queries = [
    "limit=1000",
    "limit=-1",
    "limit=0",
    "limit=abc",
    "limit=1e9",
    "limit=1.5",
    "limit=1&limit=999",
    "offset=abc",
    "offset=-5",
    "offset=1e12",
    "unknown=1&sort=password_hash",
    `q=${"x".repeat(8000)}`,
  ];
  for (const p of op.op.parameters ?? []) {
    if (p.in !== "query" || p.name === "limit" || p.name === "offset") continue;
    const t = types(p.schema ?? {});
    const values = [
      "",
      "abc",
      "%00",
      encodeURIComponent("' OR 1=1 --"),
      "-1",
      "99999999999999999999",
      "x".repeat(8000),
      "sideways",
      `true&${p.name}=false`,
    ];
    if (t.includes("string")) values.push("2024-13-45", "99999-01-01T00:00:00Z");
    for (const v of values) queries.push(`${p.name}=${v}`);
  }
  const cases: Case[] = [];
  for (const auth of AUTHS) {
    for (const q of queries) {
      cases.push({
        label: `${auth} token, ?${q.slice(0, 40)}`,
        method: op.method,
        url: `${url}?${q}`,
        headers: baseHeaders(op, auth),
        expectStatus: expectFor(op),
      });
    }
  }
  return cases;
}

/** Header parameters (Idempotency-Key): empty, short, huge, not a UUID. */
function headerCases(op: Op): Case[] {
  const url = fillPath(op.path, realIds(op.path));
  const cases: Case[] = [];
  for (const p of op.op.parameters ?? []) {
    if (p.in !== "header") continue;
    for (const v of ["", "x", "x".repeat(10_000), "not-a-uuid", '"quoted"', "' OR 1=1 --"]) {
      for (const auth of AUTHS) {
        cases.push({
          label: `${auth} token, ${p.name}: ${v.slice(0, 20)}`,
          method: op.method,
          url,
          headers: { ...baseHeaders(op, auth), [p.name]: v, "Content-Type": "application/json" },
          body: JSON.stringify({ max_transactions: "nope" }),
        });
      }
    }
  }
  return cases;
}

/** Bodies: structure, size, content types, and every field with wrong and hostile values. Sent to every operation, documented body or not. */
function bodyCases(op: Op): Case[] {
  if (op.method === "GET" || op.method === "HEAD") return [];
  const url = fillPath(op.path, realIds(op.path));
  const content = op.op.requestBody?.content ?? {};
  const json = content["application/json"]?.schema;
  const bodies: Array<[string, string, string]> = [
    ["malformed JSON", "application/json", '{"a":'],
    ["a trailing comma", "application/json", '{"a":1,}'],
    ["NaN literal", "application/json", '{"a":NaN}'],
    ["a JSON array", "application/json", "[]"],
    ["a JSON array of objects", "application/json", "[{}]"],
    ["null", "application/json", "null"],
    ["a JSON string", "application/json", '"str"'],
    ["a JSON number", "application/json", "42"],
    ["true", "application/json", "true"],
    ["an empty body", "application/json", ""],
    ["whitespace", "application/json", "   "],
    ["a BOM", "application/json", "\uFEFF{}"],
    ["a lone surrogate", "application/json", '{"a":"\\ud800"}'],
    ["__proto__", "application/json", '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
    ["deep nesting", "application/json", "[".repeat(10_000) + "]".repeat(10_000)],
    ["1.1 MB", "application/json", JSON.stringify({ a: "x".repeat(1_100_000) })],
    ["text/plain JSON", "text/plain", "{}"],
    ["XML", "application/xml", "<a/>"],
    ["charset=latin1", "application/json; charset=latin1", "{}"],
    ["form body", "application/x-www-form-urlencoded", "a=1&b=%ZZ"],
    ["multipart junk", "multipart/form-data; boundary=x", "--x\r\nnot really\r\n--x--"],
    ["multipart without boundary", "multipart/form-data", "junk"],
  ];
  if (json) {
    const base = sampleBody(op, json);
    bodies.push(["{} (every field missing)", "application/json", "{}"]);
    bodies.push([
      UNKNOWN_FIELD,
      "application/json",
      JSON.stringify({ ...base, height: 1, hash: "x", is_admin: true, user_id: 1 }),
    ]);
    for (const [field, schema] of Object.entries(resolve(json).properties ?? {})) {
      for (const [what, value] of badFieldValues(schema)) {
        bodies.push([`${field}: ${what}`, "application/json", toJson({ ...base, [field]: value })]);
      }
    }
  }
  for (const [type, { schema }] of Object.entries(content)) {
    if (type !== "application/x-www-form-urlencoded") continue;
    const fields = Object.keys(resolve(schema).properties ?? {});
    bodies.push(["form: nothing", type, ""]);
    bodies.push(["form: huge values", type, fields.map((f) => `${f}=${"x".repeat(20_000)}`).join("&")]);
    bodies.push(["form: repeated fields", type, fields.map((f) => `${f}=a&${f}=b`).join("&")]);
    bodies.push(["form: bad grant_type", type, "grant_type=client_credentials&username=a&password=b&refresh_token=c"]);
  }
  const cases: Case[] = [];
  for (const auth of AUTHS) {
    const headers = baseHeaders(op, auth);
    // H2: the limit counts the bytes read, whatever Content-Length says (or when there is none).
    cases.push({
      label: `${auth} token, 2 MB chunked with no Content-Length`,
      method: op.method,
      url,
      headers: { ...headers, "Content-Type": "application/json" },
      body: () => chunkedBody(2 * 1024 * 1024),
      // File uploads take up to FILES_MAX_FILE_BYTES (their own limits: test/integration/files.test.ts).
      expectStatus: op.op.requestBody && !FILE_UPLOADS.test(op.path) ? [413] : undefined,
    });
    cases.push({
      label: `${auth} token, Content-Length: abc`,
      method: op.method,
      url,
      headers: { ...headers, "Content-Type": "application/json", "Content-Length": "abc" },
      body: "{}",
    });
    cases.push({
      label: `${auth} token, Content-Length too small`,
      method: op.method,
      url,
      headers: { ...headers, "Content-Type": "application/json", "Content-Length": "2" },
      body: JSON.stringify({ a: "x".repeat(2_000_000) }),
    });
    for (const [label, type, body] of bodies) {
      cases.push({
        label: `${auth} token, ${label}`,
        method: op.method,
        url,
        headers: { ...baseHeaders(op, auth), "Content-Type": type },
        body,
        // H1: JSON bodies are strict; an unknown field is a 422 wherever the request gets to validation
        // (the caller is no admin: a route that documents a 403 may answer it first).
        expectStatus:
          label === UNKNOWN_FIELD && (auth === "valid" || !op.op.security?.length)
            ? op.op.responses?.["403"]
              ? [422, 403]
              : [422]
            : expectFor(op),
        allow503: op.path === SSE_PATH ? "ai-not-configured" : undefined,
      });
    }
  }
  return cases;
}

/** A JSON-looking body of `bytes` bytes as a stream, so it goes out chunked, without Content-Length. */
function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"a":"'));
      if (sent >= bytes) {
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

/** H3: every method a path does not document, on that path: a 405 with Allow (or a 4xx of a route the URL also matches). */
function methodCases(path: string, documented: string[]): Case[] {
  const op = { method: "GET", path, op: {} } as Op;
  const url = fillPath(path, realIds(path));
  return ["GET", "POST", "PUT", "PATCH", "DELETE"]
    .filter((m) => !documented.includes(m))
    .flatMap((method) =>
      AUTHS.map((auth) => ({
        label: `${auth} token, undocumented method`,
        method,
        url,
        headers: baseHeaders(op, auth),
      })),
    );
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  // The network edge: a valid-looking URL (the page fetcher's, a webhook's) must never send a packet
  // beyond loopback; every other host gets a small fake page.
  const edge = installFakeUpstreams({
    elsewhere: () => new Response("<title>edge</title>", { headers: { "Content-Type": "text/html" } }),
  });
  afterAll(() => edge.uninstall());
  [caller, other, doomed] = (await createUsers(3)) as [TestUser, TestUser, TestUser];
  const doc = await api("/api/openapi.json");
  spec = await doc.json<Spec>();
  ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );

  // Real rows: the caller's own, and one of someone else's mail in the caller's inbox.
  const as = (u: TestUser, path: string, json?: unknown) =>
    api(path, { method: "POST", headers: u.headers, ...(json === undefined ? {} : { json }) });
  real.conversation = (await created(await as(caller, "/api/ai_chat/conversations", { title: "matrix" }))).id;
  real.folder = (await created(await as(caller, "/api/email/folders", { name: "matrix" }))).id;
  real.draft = (await created(await as(caller, "/api/email/drafts", { to: other.email, subject: "d", body: "d" }))).id;
  await created(await as(other, "/api/email/send", { to: caller.email, subject: "hello", body: "hi" }));
  const inbox = await (await api("/api/email/inbox", { headers: caller.headers })).json<Array<{ id: number }>>();
  real.email = inbox[0]!.id;
  real.post = (await created(await as(caller, "/api/social/posts", { content: "matrix" }))).id;
  real.comment = (await created(await as(caller, `/api/social/posts/${real.post}/comments`, { content: "c" }))).id;
  real.video = (
    await created(await as(caller, "/api/video", { title: "matrix", video_url: "https://example.com/v.mp4" }))
  ).id;
  real.videoComment = (await created(await as(caller, `/api/video/${real.video}/comments`, { content: "c" }))).id;
  real.fileFolder = (await created(await as(caller, "/api/files/folders", { name: "matrix" }))).id;
  const upload = new FormData();
  upload.append("file", new File(["matrix"], "matrix.txt", { type: "text/plain" }));
  real.file = (
    await created(await api("/api/files/upload", { method: "POST", headers: caller.headers, body: upload }))
  ).id;
  await created(await as(caller, "/api/devices", { device_id: MATRIX_DEVICE, name: "matrix" }));
  real.captureItem = (await created(await as(caller, "/api/capture/items", { raw_content: "matrix" }))).id;
  real.creatorProject = (await created(await as(caller, "/api/creator/projects", { title: "matrix" }))).id;
}, MATRIX_TIMEOUT_MS);

/**
 * What `other` must get for an operation on the caller's row: 404 wherever the row is private to
 * its owner (mail, folders, drafts, conversations) or the operation is the owner's alone (edit or
 * delete a post, a video, a comment), so existence never leaks. Public rows (posts, videos and
 * their comments) may be read, liked and commented on by anyone: no expectation beyond the matrix's.
 */
function ownershipExpectation(op: Op): Pick<Case, "expectStatus" | "allow503"> | undefined {
  const p = op.path;
  if (!p.includes("{")) return undefined;
  // The provider check comes first and says nothing about the conversation (see SPECIAL).
  if (p === SSE_PATH) return { expectStatus: [404, 503], allow503: "ai-not-configured" };
  if (p.startsWith("/api/ai_chat/conversations/{id}") || p.startsWith("/api/email/")) return { expectStatus: [404] };
  // Files are private to their owner (a public file may be read: the caller's row here is private).
  if (p.startsWith("/api/files/") && !p.startsWith("/api/files/shared/"))
    return { expectStatus: op.method === "PUT" ? [404, 411] : [404] };
  // Devices are private to their owner; a heartbeat takes a device token, so a user's token is a 401 there.
  if (p.startsWith("/api/capture/items/{id}") || p.startsWith("/api/creator/projects/{id}"))
    return { expectStatus: [404] };
  if (p.startsWith("/api/devices/{device_id}")) return { expectStatus: p.endsWith("/heartbeat") ? [401] : [404] };
  if ((p === "/api/social/posts/{id}" || p === "/api/video/{id}") && op.method !== "GET")
    return { expectStatus: [404] };
  if (p.endsWith("/comments/{commentId}") && op.method === "DELETE") return { expectStatus: [404] };
  return undefined;
}

function ownershipCases(op: Op): Case[] {
  const expected = ownershipExpectation(op);
  if (!expected) return [];
  const json = op.op.requestBody?.content["application/json"]?.schema;
  return [
    {
      label: "another user, the caller's row",
      method: op.method,
      url: fillPath(op.path, realIds(op.path)),
      headers: {
        ...other.headers,
        "X-Test-Chain": TEST_CHAIN,
        ...(json ? { "Content-Type": "application/json" } : {}),
      },
      body: json ? JSON.stringify(sampleBody(op, json)) : undefined,
      ...expected,
    },
  ];
}

/**
 * Cases that use up the rows or the session the others need: DELETEs, logout, and sending the
 * draft. They run in their own test, after every other case of every kind.
 */
const isDestructive = (c: Case) =>
  c.method === "DELETE" || c.url.startsWith(LOGOUT_PATH) || /^\/api\/email\/drafts\/[^/]+\/send/.test(c.url);
const destructive: Case[] = [];
function keepForLast(cases: Case[]): Case[] {
  destructive.push(...cases.filter(isDestructive));
  return cases.filter((c) => !isDestructive(c));
}

async function expectNoFailures(cases: Case[]) {
  const failures = await runAll(cases);
  expect(failures, `${failures.length} of ${cases.length} cases failed:\n${failures.join("\n")}`).toEqual([]);
}

describe("bad-input matrix over every documented operation", () => {
  it("the spec documents the API (a sanity floor, so an empty spec cannot pass)", () => {
    expect(ops.length).toBeGreaterThanOrEqual(88);
    for (const p of ["/api/auth/register", "/api/email/send", "/api/social/posts", "/api/video", WS_PATH, SSE_PATH]) {
      expect(spec.paths, p).toHaveProperty([p]);
    }
  });

  it(
    "path parameters: missing row, real row, and abc / -1 / 0 / 20 digits / 63 hex / %00 / SQL / … (no token, valid token, garbage token)",
    async () => {
      await expectNoFailures(keepForLast(ops.flatMap(pathCases)));
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "query strings: pagination out of bounds, junk and injection in every documented query parameter",
    async () => {
      await expectNoFailures(keepForLast(ops.flatMap(queryCases)));
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "header parameters: Idempotency-Key empty, short, huge, not a UUID",
    async () => {
      const cases = ops.flatMap(headerCases);
      expect(cases.length).toBeGreaterThan(0);
      await expectNoFailures(keepForLast(cases));
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "bodies: malformed JSON, non-objects, wrong types per field, 100 KB strings, odd numbers, wrong content types, 1.1 MB",
    async () => {
      await expectNoFailures(keepForLast(ops.flatMap(bodyCases)));
    },
    MATRIX_TIMEOUT_MS,
  );

  it("methods: every method a path does not document answers 405 with Allow, or a 4xx", async () => {
    const cases = Object.entries(spec.paths).flatMap(([path, methods]) =>
      methodCases(
        path,
        Object.keys(methods).map((m) => m.toUpperCase()),
      ),
    );
    await expectNoFailures(keepForLast(cases));
  });

  it(
    "ownership: another user gets 404 for every operation on the caller's private rows, and the rows survive",
    async () => {
      const cases = ops.flatMap(ownershipCases);
      expect(cases.length).toBeGreaterThanOrEqual(19);
      await expectNoFailures(cases);
      for (const path of [
        `/api/ai_chat/conversations/${real.conversation}`,
        `/api/email/folders/${real.folder}/emails`,
        `/api/email/${real.draft}`,
        `/api/email/${real.email}`,
        `/api/social/posts/${real.post}`,
        `/api/video/${real.video}`,
        `/api/files/${real.file}/download`,
        `/api/files/folders?parent_id=${real.fileFolder}`,
        `/api/devices/${MATRIX_DEVICE}`,
        `/api/capture/items/${real.captureItem}`,
        `/api/creator/projects/${real.creatorProject}`,
      ]) {
        expect((await api(path, { headers: caller.headers })).status, path).toBe(200);
      }
      const comments = await (await api(`/api/social/posts/${real.post}/comments`, { headers: caller.headers })).json<
        Array<{ id: number }>
      >();
      expect(comments.map((c) => c.id)).toContain(real.comment);
      const videoComments = await (await api(`/api/video/${real.video}/comments`, { headers: caller.headers })).json<
        Array<{ id: number }>
      >();
      expect(videoComments.map((c) => c.id)).toContain(real.videoComment);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "the destructive cases of all of the above (DELETE, logout, sending the draft), last",
    async () => {
      expect(destructive.length).toBeGreaterThan(0);
      await expectNoFailures(destructive);
    },
    MATRIX_TIMEOUT_MS,
  );
});

describe("special operations", () => {
  it("GET /api/blockchain/ws: with Upgrade: websocket it switches protocols and says hello", async () => {
    const res = await api(WS_PATH, { headers: { Upgrade: "websocket", "X-Test-Chain": TEST_CHAIN } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const first = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data))));
    ws.accept();
    expect(JSON.parse(await first)).toMatchObject({ type: "hello" });
    ws.close(1000, "done");
  });

  it("SSE: a bad message asked for as text/event-stream is a problem+json 4xx, not a stream", async () => {
    const url = fillPath(SSE_PATH, realIds(SSE_PATH));
    const failures = await runAll(
      [{ content: "" }, { content: 1 }, { content: HUGE }, []].map((json) => ({
        label: `SSE ${JSON.stringify(json).slice(0, 20)}`,
        method: "POST",
        url,
        headers: { ...caller.headers, Accept: "text/event-stream", "Content-Type": "application/json" },
        body: JSON.stringify(json),
        expectStatus: [422],
      })),
    );
    expect(failures).toEqual([]);
  });

  it("SSE: a valid message with no provider configured is the documented 503 problem, for JSON and for streams", async () => {
    // A conversation of the caller's own (the destructive cases deleted the shared one; ownership is checked first).
    const own = await created(
      await api("/api/ai_chat/conversations", { method: "POST", headers: caller.headers, json: {} }),
    );
    const url = fillPath(SSE_PATH, { id: String(own.id) });
    for (const accept of ["application/json", "text/event-stream"]) {
      const res = await api(url, {
        method: "POST",
        headers: { ...caller.headers, Accept: accept },
        json: { content: "hello" },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect((await res.json<{ detail: string }>()).detail).toMatch(/not configured/i);
    }
  });

  it("logout really ran as the doomed user only: the caller's token still works", async () => {
    const me = await api("/api/auth/me", { headers: caller.headers });
    expect(me.status).toBe(200);
  });
});
