import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createDatabase } from "../../src/lib/db.ts";
import { redisClient } from "../../src/lib/redis.ts";
import { api, unique } from "./api.ts";

export { fetchWith } from "./api.ts";

/** Test helpers for auth: accounts, tokens, direct DB/Redis access, altered bindings. */

export const PASSWORD = "tangerine-lighthouse-47";

export type Pair = { access_token: string; refresh_token: string; token_type: string; expires_in: number };

/** A random client IP, so each test has its own rate-limit buckets. */
export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${token}`, ...extra };
}

export async function register(overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const username = unique("u");
  const body = { username, email: `${username}@example.com`, password: PASSWORD, ...overrides };
  const res = await api("/api/auth/register", { method: "POST", json: body, headers });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const user = JSON.parse(text) as Record<string, unknown> & { id: number; username: string; email: string };
  return { ...body, user } as { username: string; email: string; password: string; user: typeof user };
}

export async function login(
  username: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Pair> {
  const res = await api("/api/auth/login", { method: "POST", json: { username, password }, headers });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Pair;
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
