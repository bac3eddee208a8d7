/**
 * The matrix's cases for one documented operation, generated from the document: bad path
 * parameters, query strings, header parameters, bodies, undocumented methods, and another user's
 * requests for the caller's rows. Each builder reads the fixture (world.ts) when it runs.
 */
import type { Case } from "./run-cases.ts";
import {
  BAD_PATH_VALUES,
  badFieldValues,
  chunkedBody,
  HEX63,
  HUGE,
  type Op,
  raw,
  resolve,
  sample,
  sampleBody,
  toJson,
  types,
} from "./schema-values.ts";
import { world } from "./world.ts";

/** Ids of real rows, so "valid-looking" path values also reach the handlers past the 404. */

export const TEST_CHAIN = "t_badinputs";
export const MATRIX_DEVICE = "matrix-pi";

/** Path params that name a real row: the first pattern a path matches wins. */
export function realIds(path: string): Record<string, string> {
  const id = (n: number | undefined): Record<string, string> => (n === undefined ? {} : { id: String(n) });
  if (path.startsWith("/api/ai_chat/conversations/")) return id(world.real.conversation);
  if (path.startsWith("/api/email/folders/")) return id(world.real.folder);
  if (path.startsWith("/api/email/drafts/")) return id(world.real.draft);
  if (path.startsWith("/api/email/")) return id(world.real.email);
  if (path.startsWith("/api/social/posts/")) return { ...id(world.real.post), commentId: String(world.real.comment) };
  if (path.startsWith("/api/social/users/")) return id(world.other.id);
  if (path.startsWith("/api/video/")) return { ...id(world.real.video), commentId: String(world.real.videoComment) };
  if (path.startsWith("/api/files/folders/")) return id(world.real.fileFolder);
  if (path.startsWith("/api/files/shared/")) return { token: "x" };
  if (path.startsWith("/api/files/"))
    return { ...id(world.real.file), shareId: "00000000-0000-4000-8000-000000000000" };
  if (path.startsWith("/api/capture/items/")) return id(world.real.captureItem);
  if (path.startsWith("/api/creator/projects/"))
    return { ...id(world.real.creatorProject), fileId: String(world.real.file) };
  if (path.startsWith("/api/devices/"))
    return { device_id: MATRIX_DEVICE, command_id: "00000000-0000-4000-8000-000000000000" };
  if (path.startsWith("/api/blockchain/blocks/")) return { block_id: "0" };
  if (path.startsWith("/api/blockchain/transactions/")) return { tx_hash: "a".repeat(64) };
  return {};
}

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
export const WS_PATH = "/api/blockchain/ws";
export const LOGOUT_PATH = "/api/auth/logout";
export const SSE_PATH = "/api/ai_chat/conversations/{id}/messages";

export function authHeaders(path: string, auth: "none" | "valid" | "garbage"): Record<string, string> {
  if (auth === "none") return {};
  if (auth === "garbage") return { Authorization: "Bearer not.a.token" };
  return path === LOGOUT_PATH ? world.doomed.headers : world.caller.headers;
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? "2147483646");
}

export function pathParams(op: Op): string[] {
  return [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

export const AUTHS = ["none", "valid"] as const;

export function baseHeaders(op: Op, auth: "none" | "valid" | "garbage"): Record<string, string> {
  return { "X-Test-Chain": TEST_CHAIN, ...authHeaders(op.path, auth) };
}

export const UNKNOWN_FIELD = "unknown extra field";
export const FILE_UPLOADS = /^\/api\/files\/(upload|stream|\{id\}\/content)$/;

export function expectFor(op: Op): number[] | undefined {
  return op.path === WS_PATH ? [426] : undefined;
}

/** Path params: each param in turn takes every bad value (others stay valid-looking), plus the valid-looking URLs themselves. */
export function pathCases(op: Op): Case[] {
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
export function queryCases(op: Op): Case[] {
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
export function headerCases(op: Op): Case[] {
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
export function bodyCases(op: Op): Case[] {
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

/** H3: every method a path does not document, on that path: a 405 with Allow (or a 4xx of a route the URL also matches). */
export function methodCases(path: string, documented: string[]): Case[] {
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

/**
 * What `other` must get for an operation on the caller's row: 404 wherever the row is private to
 * its owner (mail, folders, drafts, conversations) or the operation is the owner's alone (edit or
 * delete a post, a video, a comment), so existence never leaks. Public rows (posts, videos and
 * their comments) may be read, liked and commented on by anyone: no expectation beyond the matrix's.
 */
export function ownershipExpectation(op: Op): Pick<Case, "expectStatus" | "allow503"> | undefined {
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

export function ownershipCases(op: Op): Case[] {
  const expected = ownershipExpectation(op);
  if (!expected) return [];
  const json = op.op.requestBody?.content["application/json"]?.schema;
  return [
    {
      label: "another user, the caller's row",
      method: op.method,
      url: fillPath(op.path, realIds(op.path)),
      headers: {
        ...world.other.headers,
        "X-Test-Chain": TEST_CHAIN,
        ...(json ? { "Content-Type": "application/json" } : {}),
      },
      body: json ? JSON.stringify(sampleBody(op, json)) : undefined,
      ...expected,
    },
  ];
}
