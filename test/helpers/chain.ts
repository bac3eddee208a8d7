import { env } from "cloudflare:workers";
import { createDatabase, type Database } from "../../src/lib/db.ts";
import type { VerifyResult } from "../../src/services/chain/verify.ts";
import type { BlockView, TransactionView } from "../../src/services/chain/views.ts";
import { api, unique } from "./api.ts";
import { client } from "./client.ts";
import type { TestUser } from "./users.ts";

/**
 * An isolated RoadChain for one test file or test: its own rows (the `chain` column) and its own
 * Durable Object, selected with the X-Test-Chain header (honoured only under ENVIRONMENT=test).
 * Tests that mine, race or tamper use one, so "main" and other files' chains are never disturbed.
 */
export type TestChain = { id: string; headers: Record<string, string> };

export function testChain(): TestChain {
  const id = unique("t_").toLowerCase();
  return { id, headers: { "X-Test-Chain": id } };
}

// The API's JSON, typed by the services' own views (not re-declared here): a change to a view
// breaks the tests that read it at compile time.
export type BlockJson = BlockView;
export type TxJson = TransactionView;
export type VerifyJson = VerifyResult;

export async function mine(
  chain: TestChain,
  user: TestUser,
  init: { body?: unknown; headers?: Record<string, string> } = {},
) {
  return api("/api/blockchain/blocks", {
    method: "POST",
    headers: { ...chain.headers, ...user.headers, ...init.headers },
    ...(init.body !== undefined ? { json: init.body } : {}),
  });
}

/** Mines one block and returns it (fails the test on anything but 201). */
export async function mineOk(chain: TestChain, user: TestUser, body?: unknown): Promise<BlockJson> {
  const res = await mine(chain, user, { body });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`mine answered ${res.status}: ${text}`);
  return JSON.parse(text) as BlockJson;
}

export async function transfer(
  chain: TestChain,
  user: TestUser,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return api("/api/blockchain/transactions", {
    method: "POST",
    headers: { ...chain.headers, ...user.headers, ...headers },
    json: body,
  });
}

export async function verify(chain: TestChain): Promise<VerifyJson> {
  const res = await client.api.blockchain.verify.$get({}, { headers: chain.headers });
  if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export async function walletOf(user: TestUser): Promise<{ address: string; balance: string }> {
  const res = await client.api.blockchain.wallet.$get({}, { headers: user.headers });
  if (res.status !== 200) throw new Error(`wallet answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Direct database access for tampering (closed by the caller through `close`). */
export function directDb(): { db: Database; close: () => Promise<void> } {
  const pending: Promise<unknown>[] = [];
  const db = createDatabase(env, { waitUntil: (p) => void pending.push(p) });
  return {
    db,
    close: async () => {
      db.$close();
      await Promise.allSettled(pending);
    },
  };
}
