/**
 * The same flow as examples/hc-client.ts from a client that knows nothing of our code: openapi-fetch
 * over types generated from /api/openapi.json (scripts/openapi/client-types.ts), as any consumer
 * of the published document would build it.
 */
import createClient from "openapi-fetch";
import type { paths } from "./generated/api.d.ts";
import type { FlowResult } from "./hc-client.ts";

function must<T>(step: string, result: { data?: T; response: Response }): T {
  if (result.data === undefined) throw new Error(`${step} answered ${result.response.status}`);
  return result.data;
}

export async function openapiFetchFlow(baseUrl: string, fetch: typeof globalThis.fetch, names: [string, string]) {
  const api = createClient<paths>({ baseUrl, fetch });
  const password = "example-password-2026";
  const [alice, bob] = names;

  for (const username of names) {
    must(
      "register",
      await api.POST("/api/auth/register", { body: { username, email: `${username}@example.com`, password } }),
    );
  }
  const session = async (username: string) => {
    const tokens = must("login", await api.POST("/api/auth/login", { body: { username, password } }));
    return { Authorization: `Bearer ${tokens.access_token}` };
  };
  const asAlice = await session(alice);
  const asBob = await session(bob);

  const wallet = must("wallet", await api.GET("/api/blockchain/wallet", { headers: asBob }));
  const tx = must(
    "transfer",
    await api.POST("/api/blockchain/transactions", {
      body: { to_address: wallet.address, amount: "2.5" },
      params: { header: { "Idempotency-Key": crypto.randomUUID() } },
      headers: asAlice,
    }),
  );
  must(
    "send mail",
    await api.POST("/api/email/send", {
      body: {
        to: `${bob}@example.com`,
        subject: `Sent you ${tx.amount} RC`,
        body: `Transaction ${tx.transaction_hash}`,
      },
      headers: asAlice,
    }),
  );
  const inbox = must("inbox", await api.GET("/api/email/inbox", { headers: asBob }));
  return {
    transferHash: tx.transaction_hash,
    amount: tx.amount,
    inboxSubjects: inbox.map((m) => m.subject),
  } satisfies FlowResult;
}
