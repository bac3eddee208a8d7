import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../src/index.ts";
import { buildContract, type Contract, checkResponse } from "./contract.ts";

export const BASE = "https://api.example.test";

export type ApiInit = RequestInit & { json?: unknown };

function buildRequest(path: string, init: ApiInit): Request {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("Content-Type", "application/json");
  return new Request(BASE + path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
}

let contract: Promise<Contract> | undefined;
/** The document the Worker serves, fetched once per test file. */
function theContract(): Promise<Contract> {
  contract ??= exports.default
    .fetch(new Request(`${BASE}/api/openapi.json`))
    .then(async (res) => buildContract(await res.json()));
  return contract;
}

/**
 * Calls the Worker's own fetch handler inside workerd, as the edge would, and checks the response
 * against the OpenAPI document (test/helpers/contract.ts): an undocumented status, content type,
 * body shape or missing declared header fails the test that made the call.
 */
/** Without the contract check: for the bad-input matrix, which judges its edge cases by its own rules. */
export function uncheckedApi(path: string, init: ApiInit = {}) {
  return exports.default.fetch(buildRequest(path, init));
}

export function api(path: string, init: ApiInit = {}) {
  return checkedFetch(buildRequest(path, init));
}

/** The Worker's fetch with the contract check, shaped as `fetch` (for hc, test/helpers/client.ts). */
export async function checkedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const res = await exports.default.fetch(request);
  await checkResponse(await theContract(), request.method, request.url, res);
  return res;
}

/** One request through the Worker with some bindings replaced (a dead Redis URL, a weak secret…). */
export async function fetchWith(overrides: Partial<Record<keyof Env, string>>, path: string, init: ApiInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(buildRequest(path, init), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  request_id: string;
  errors?: Array<{ path: string; message: string }>;
};

/** Asserts a problem+json response and returns its body. */
export async function expectProblem(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  if (!res.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected application/problem+json, got ${res.headers.get("content-type")}: ${text}`);
  }
  const body = JSON.parse(text) as Problem;
  if (body.status !== status || !body.detail || !body.request_id || !body.type || !body.title) {
    throw new Error(`malformed problem body: ${text}`);
  }
  return body;
}

/** A name no other test (or earlier run against a persistent database) uses. */
export function unique(prefix = "u") {
  return `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}
