import type { Redis } from "../../lib/redis.ts";

/**
 * Automatic persisted queries (Apollo's APQ protocol): a client sends
 * `extensions.persistedQuery = {version: 1, sha256Hash}` without the query; an unknown hash answers
 * `PersistedQueryNotFound`, and the client retries once with the query and the hash, which is then
 * stored. The hash must be the query's SHA-256, so nobody can file a query under another's hash.
 * Stored queries expire (APQ_TTL_SECONDS after their last registration).
 */
export const APQ_TTL_SECONDS = 24 * 60 * 60;
const keyOf = (hash: string) => `graphql:apq:${hash}`;

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function lookupPersisted(redis: Redis, hash: string): Promise<string | undefined> {
  const stored = await redis.get<string>(keyOf(hash));
  if (typeof stored !== "string") return undefined;
  const parsed = JSON.parse(stored) as { query?: unknown };
  return typeof parsed.query === "string" ? parsed.query : undefined;
}

export async function storePersisted(redis: Redis, hash: string, query: string): Promise<void> {
  await redis.set(keyOf(hash), JSON.stringify({ query }), { ex: APQ_TTL_SECONDS });
}
