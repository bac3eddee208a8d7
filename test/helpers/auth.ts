import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { InferRequestType, InferResponseType } from "hono/client";
import { createDatabase } from "../../src/lib/db.ts";
import { redisClient } from "../../src/lib/redis.ts";
import { api, unique } from "./api.ts";
import { client } from "./client.ts";

export { fetchWith } from "./api.ts";

/** Test helpers for auth: accounts, tokens, direct DB/Redis access, altered bindings. */

export const PASSWORD = "tangerine-lighthouse-47";

export type Pair = InferResponseType<typeof client.api.auth.login.$post, 200>;

/** A random client IP, so each test has its own rate-limit buckets. */
export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${token}`, ...extra };
}

type RegisterBody = InferRequestType<typeof client.api.auth.register.$post>["json"];
export type RegisteredUser = InferResponseType<typeof client.api.auth.register.$post, 201>;

export async function register(overrides: Partial<RegisterBody> = {}, headers: Record<string, string> = {}) {
  const username = unique("u");
  const body = { username, email: `${username}@example.com`, password: PASSWORD, ...overrides };
  const res = await client.api.auth.register.$post({ json: body }, { headers });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return { ...body, user: await res.json() };
}

export async function login(
  username: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Pair> {
  const res = await client.api.auth.login.$post({ json: { username, password } }, { headers });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export async function refresh(token: string, headers: Record<string, string> = {}) {
  return api("/api/auth/refresh", { method: "POST", json: { refresh_token: token }, headers });
}

export const me = (token: string, headers: Record<string, string> = {}) =>
  api("/api/auth/me", { headers: bearer(token, headers) });

/** The token's claims, unverified (tests only). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/");
  return JSON.parse(atob(payload));
}

/** The app's own database and Redis clients, for arranging and checking state. */
export function testDb() {
  return createDatabase(env, createExecutionContext());
}

export function testRedis() {
  return redisClient(env);
}

/** Waits until `check` passes (background writes such as audit rows land after the response). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Waits, if needed, until the next `needMs` fall inside one window of `windowMs` (aligned to the
 * epoch, as the limiters' windows are). A test that counts requests up to a limit must not
 * straddle a window edge: a fixed window starts again there, and @upstash/ratelimit's sliding
 * window rounds the previous window's weight down, so one extra request gets through.
 */
export async function awayFromWindowEdge(windowMs: number, needMs = 5_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}
