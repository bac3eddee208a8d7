/**
 * A typed client in a few lines: hono/client's `hc` over the app's own route types. Every path,
 * body, header and response below is checked by the compiler against the routes themselves.
 *
 * The flow a new API consumer tries first: two people register, Alice logs in, sends Bob RoadCoin
 * and a mail, and Bob reads his inbox.
 */
import { hc } from "hono/client";
import type { AppType } from "../src/app.ts";

export type FlowResult = { transferHash: string; amount: string; inboxSubjects: string[] };

function fail(step: string, res: { status: number }): never {
  throw new Error(`${step} answered ${res.status}`);
}

export async function hcFlow(baseUrl: string, fetch: typeof globalThis.fetch, names: [string, string]) {
  const api = hc<AppType>(baseUrl, { fetch });
  const password = "example-password-2026";
  const [alice, bob] = names;

  for (const username of names) {
    const res = await api.api.auth.register.$post({ json: { username, email: `${username}@example.com`, password } });
    if (res.status !== 201) fail("register", res);
  }
  const session = async (username: string) => {
    const res = await api.api.auth.login.$post({ json: { username, password } });
    if (res.status !== 200) fail("login", res);
    return { headers: { Authorization: `Bearer ${(await res.json()).access_token}` } };
  };
  const asAlice = await session(alice);
  const asBob = await session(bob);

  const wallet = await api.api.blockchain.wallet.$get({}, asBob);
  if (wallet.status !== 200) fail("wallet", wallet);
  const transfer = await api.api.blockchain.transactions.$post(
    {
      json: { to_address: (await wallet.json()).address, amount: "2.5" },
      header: { "Idempotency-Key": crypto.randomUUID() },
    },
    asAlice,
  );
  if (transfer.status !== 201) fail("transfer", transfer);
  const tx = await transfer.json();

  const mail = await api.api.email.send.$post(
    {
      json: {
        to: `${bob}@example.com`,
        subject: `Sent you ${tx.amount} RC`,
        body: `Transaction ${tx.transaction_hash}`,
      },
    },
    asAlice,
  );
  if (mail.status !== 201) fail("send mail", mail);

  const inbox = await api.api.email.inbox.$get({ query: {} }, asBob);
  if (inbox.status !== 200) fail("inbox", inbox);
  const messages = await inbox.json();
  return {
    transferHash: tx.transaction_hash,
    amount: tx.amount,
    inboxSubjects: messages.map((m) => m.subject),
  } satisfies FlowResult;
}
