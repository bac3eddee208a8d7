import { exports } from "cloudflare:workers";

export const BASE = "https://api.example.test";

/** Calls the Worker's own fetch handler inside workerd, as the edge would. */
export function api(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("Content-Type", "application/json");
  return exports.default.fetch(new Request(BASE + path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body }));
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
