import type { Context } from "hono";
import { roadChainStub } from "../../durable-objects/roadchain.contract.ts";
import { clientIp, userAgent } from "../../lib/client-info.ts";
import { notFound } from "../../lib/errors.ts";
import { invalidateCache } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import { recordEventLater } from "../../services/audit.ts";
import { durableObjectLedger } from "../../services/chain/chain-writer.ts";
import { resolveChain, TEST_CHAIN_HEADER } from "../../services/chain/ledger.ts";
import { DEFAULT_BLOCK_TRANSACTIONS } from "../../services/chain/mining.ts";
import { makeTemplate, submitWork } from "../../services/chain/mining-template.ts";
import { pendingTransactions } from "../../services/chain/reads.ts";
import { primaryWallet } from "../../services/chain/transfer.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import type * as routes from "./mining.routes.ts";

type Ctx = Context<AppBindings, any, any>;

const chainOf = (c: Ctx) => resolveChain(c.var.config.ENVIRONMENT, c.req.header(TEST_CHAIN_HEADER));
const ledgerOf = (c: Ctx, chain: string) => durableObjectLedger(roadChainStub(c.env.ROADCHAIN, chain), chain);

export const template: AppRouteHandler<typeof routes.template> = async (c) => {
  const { userId } = getAuth(c);
  const chain = chainOf(c);
  const { db } = c.var.services;
  const wallet = await primaryWallet(db, userId);
  if (!wallet) throw notFound("You have no wallet to receive the mining reward");
  const view = await makeTemplate(
    {
      secret: c.var.config.SECRET_KEY,
      template: () => ledgerOf(c, chain).template(),
      pending: (limit) => pendingTransactions(db, chain, limit),
    },
    {
      chain,
      userId,
      minerAddress: wallet.address,
      maxTransactions: c.req.valid("query").max_transactions ?? DEFAULT_BLOCK_TRANSACTIONS,
    },
  );
  c.header("Cache-Control", "no-store");
  return c.json(view, 200);
};

export const submit: AppRouteHandler<typeof routes.submit> = async (c) => {
  const { userId } = getAuth(c);
  const chain = chainOf(c);
  const { template: token, nonce } = c.req.valid("json");
  const block = await submitWork(
    { secret: c.var.config.SECRET_KEY, append: (proposal) => ledgerOf(c, chain).append(proposal) },
    { chain, userId, template: token, nonce },
  );
  await invalidateCache(c.var.services.redis, ["chain"]);
  recordEventLater(
    c.var.services.db,
    {
      type: "chain.block_mined",
      userId,
      ip: clientIp(c.req.raw.headers),
      userAgent: userAgent(c.req.raw.headers),
      metadata: { chain, height: block.height, by: "submit" },
    },
    (p) => c.executionCtx.waitUntil(p),
  );
  return c.json(block, 201);
};
