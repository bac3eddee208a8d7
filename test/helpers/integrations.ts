/**
 * Shared machinery of the integration tests: calling the Worker with the integrations configured
 * (or not), admins and users, and a table-driven "happy path" runner that asserts the exact
 * upstream request (method, path, query, auth header, body encoding) and our response.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { users } from "../../src/db/schema/index.ts";
import worker from "../../src/index.ts";
import { createDatabase } from "../../src/lib/db.ts";
import { redisClient } from "../../src/lib/redis.ts";
import { BASE } from "./api.ts";
import { CONFIGURED, type FakeUpstreams, SECRETS, type UpstreamCall } from "./fake-upstream.ts";
import { createUser, type TestUser } from "./users.ts";

export type Caller = TestUser | null;

export type Reply = { status: number; headers: Headers; text: string; json: any };

/** One request through the Worker with these bindings (default: everything configured against the fakes). */
export async function call(
  who: Caller,
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string>; body?: string } = {},
  overrides: Record<string, string> = CONFIGURED,
): Promise<Reply> {
  const headers = new Headers({ ...(who?.headers ?? {}), ...(init.headers ?? {}) });
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(BASE + path, { method: init.method ?? "GET", headers, body }),
    { ...env, ...overrides } as Env,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Forgets cached integration reads and status probes (a persistent Redis keeps them between runs). */
export async function clearIntegrationCache() {
  const redis = redisClient(env);
  for (const pattern of ["api:cache:integrations:*", "integrations:status:*", "webhooks:*"]) {
    const keys = await redis.keys(pattern);
    if (keys.length) await redis.del(...keys);
  }
}

export async function createAdmin(): Promise<TestUser> {
  const admin = await createUser();
  const db = createDatabase(env, createExecutionContext());
  await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
  return admin;
}

/** No configured secret value anywhere in this text (response bodies, headers, log lines). */
export function expectNoSecrets(text: string) {
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(text.includes(value), `${name} leaked: ${text.slice(0, 300)}`).toBe(false);
  }
  expect(text).not.toMatch(/secretpart0123456789/);
}

export type UpstreamExpectation = {
  method: string;
  /** host label + path: `github/user/repos`. */
  path: string;
  query?: Record<string, string>;
  /** Exact JSON body. */
  json?: unknown;
  /** Exact form fields (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  headers?: Record<string, string | null>;
};

export type HappyCase = {
  name: string;
  as: "admin" | "user";
  method?: string;
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** Registered on the fake as `METHOD host/path` prefix. */
  route: string;
  reply: (call: UpstreamCall) => Response;
  upstream: UpstreamExpectation;
  status: number;
  response: unknown;
};

/** Runs one happy-path case: exactly one upstream call, as expected, and our exact answer. */
export async function runHappyCase(
  fake: FakeUpstreams,
  c: HappyCase,
  who: { admin: TestUser; user: TestUser },
  auth: (h: Headers) => void,
) {
  fake.on(c.route, c.reply);
  const r = await call(who[c.as], c.path, { method: c.method ?? "GET", json: c.json, headers: c.headers });
  expect(r.status, `${c.name}: ${r.text}`).toBe(c.status);
  expect(fake.calls.length, c.name).toBeGreaterThanOrEqual(1);
  const sent = fake.calls.at(-1)!;
  expect(`${sent.method} ${sent.url.hostname.replace(/\.fake\.test$/, "")}${sent.url.pathname}`, c.name).toBe(
    `${c.upstream.method} ${c.upstream.path}`,
  );
  expect(Object.fromEntries(sent.url.searchParams), c.name).toEqual(c.upstream.query ?? {});
  auth(sent.headers);
  if (c.upstream.json !== undefined) {
    expect(sent.headers.get("content-type"), c.name).toBe("application/json");
    expect(JSON.parse(sent.body), c.name).toEqual(c.upstream.json);
  } else if (c.upstream.form !== undefined) {
    expect(sent.headers.get("content-type"), c.name).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(sent.body)), c.name).toEqual(c.upstream.form);
  } else {
    expect(sent.body, c.name).toBe("");
  }
  for (const [h, v] of Object.entries(c.upstream.headers ?? {})) expect(sent.headers.get(h), `${c.name}: ${h}`).toBe(v);
  expect(c.status === 204 ? null : r.json, c.name).toEqual(c.response);
  expectNoSecrets(r.text);
  return r;
}
