import { blockFeedStub, FEED_REFUSED_HEADER, feedShardOf } from "../../durable-objects/block-feed.contract.ts";
import { chainVerifierStub } from "../../durable-objects/chain-verifier.contract.ts";
import { roadChainStub } from "../../durable-objects/roadchain.contract.ts";
import { clientIp, ipIdentity } from "../../lib/client-info.ts";
import { ApiError, notFound, serviceUnavailable } from "../../lib/errors.ts";
import { countEvent } from "../../lib/metrics/index.ts";
import { cachedJson, invalidateCache } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import { formatAmount, parseAmount } from "../../services/chain/amount.ts";
import { balanceHistory } from "../../services/chain/balance-history.ts";
import { callLedger, checkpointStore, durableObjectLedger } from "../../services/chain/chain-writer.ts";
import { DEFAULT_BLOCK_TRANSACTIONS, mineBlock } from "../../services/chain/mining.ts";
import {
  blockPage,
  findBlock,
  findTransaction,
  listBlocks as listBlockRows,
  listUserTransactions,
  pendingTransactions,
  transactionsOfBlocks,
} from "../../services/chain/reads.ts";
import { assertServerMiningAllowed } from "../../services/chain/server-mining.ts";
import { chainStats } from "../../services/chain/stats.ts";
import { createTransfer, primaryWallet } from "../../services/chain/transfer.ts";
import { verifyIncremental } from "../../services/chain/verify-incremental.ts";
import type { AppRouteHandler } from "../../types.ts";
import { idempotent } from "../idempotent.ts";
import { byId, nextPageHeaders, setNextPage } from "../keyset.ts";
import { actorOf, auditLater, type Ctx, chainOf } from "../request-kit.ts";
import type * as routes from "./blockchain.routes.ts";

function ledger(c: Ctx, chain: string) {
  return durableObjectLedger(roadChainStub(c.env.ROADCHAIN, chain), chain);
}

// ---- blocks ----

export const listBlocks: AppRouteHandler<typeof routes.listBlocks> = async (c) => {
  const chain = chainOf(c);
  const page = c.req.valid("query");
  return cachedJson(c, {
    endpoint: "/api/blockchain/blocks",
    params: { chain, ...page },
    load: () => listBlockRows(c.var.services.db, chain, page),
    headers: (rows) => nextPageHeaders(c, rows, page.limit, (b) => b.height),
  });
};

export const getBlock: AppRouteHandler<typeof routes.getBlock> = async (c) => {
  const ref = c.req.valid("param").block_id;
  const block = await findBlock(c.var.services.db, chainOf(c), ref);
  if (!block) throw notFound("height" in ref ? `Block ${ref.height} does not exist` : "No block has this hash");
  return c.json(block, 200);
};

const mineHandler = async (c: Ctx) => {
  const { userId } = getAuth(c);
  const chain = chainOf(c);
  const body = (c.req.valid("json") ?? {}) as { max_transactions?: number };
  const maxTransactions = body.max_transactions ?? DEFAULT_BLOCK_TRANSACTIONS;
  const { db, redis } = c.var.services;
  await assertServerMiningAllowed(c.var.config, db, userId);

  const result = await idempotent(c, "blockchain.mine", { chain, max_transactions: maxTransactions }, async (claim) => {
    const wallet = await primaryWallet(db, userId);
    if (!wallet) throw notFound("You have no wallet to receive the mining reward");
    const mined = await mineBlock(
      {
        writer: ledger(c, chain),
        pending: (limit) => pendingTransactions(db, chain, limit),
      },
      { minerId: userId, minerAddress: wallet.address, maxTransactions, idempotency: claim },
    );
    await invalidateCache(redis, ["chain"]);
    auditLater(c, "chain.block_mined", { chain, height: mined.block.height, attempts: mined.attempts });
    return mined.block;
  });
  return c.json(result.body, result.status);
};

export const createBlock: AppRouteHandler<typeof routes.createBlock> = (c) => mineHandler(c) as never;
export const mine: AppRouteHandler<typeof routes.mine> = (c) => mineHandler(c) as never;

export const verifyChain: AppRouteHandler<typeof routes.verifyChain> = async (c) => {
  const chain = chainOf(c);
  const db = c.var.services.db;
  const chainLedger = ledger(c, chain);
  const report = await verifyIncremental(
    {
      anchor: chainLedger.anchor,
      blocks: (after, upTo, limit) => blockPage(db, chain, after, upTo, limit),
      transactions: (from, to) => transactionsOfBlocks(db, chain, from, to),
    },
    checkpointStore(chainVerifierStub(c.env.CHAIN_VERIFIER, chain), chain),
    { issuance: c.var.config },
  );
  countEvent("blackroad_chain_verifications_total", { result: report.valid ? "valid" : "invalid" });
  c.header("Cache-Control", "no-store");
  return c.json(report, 200);
};

// ---- wallet ----

export const getWallet: AppRouteHandler<typeof routes.getWallet> = async (c) => {
  const wallet = await primaryWallet(c.var.services.db, getAuth(c).userId);
  if (!wallet) throw notFound("You have no wallet");
  c.header("Cache-Control", "no-store");
  return c.json(wallet, 200);
};

export const getBalance: AppRouteHandler<typeof routes.getBalance> = async (c) => {
  const wallet = await primaryWallet(c.var.services.db, getAuth(c).userId);
  if (!wallet) throw notFound("You have no wallet");
  c.header("Cache-Control", "no-store");
  return c.json({ address: wallet.address, balance: wallet.balance }, 200);
};

export const getBalanceHistory: AppRouteHandler<typeof routes.getBalanceHistory> = async (c) => {
  const history = await balanceHistory(c.var.services.db, getAuth(c).userId, c.req.valid("query").limit);
  if (!history) throw notFound("You have no wallet");
  c.header("Cache-Control", "no-store");
  return c.json(history, 200);
};

// ---- transactions ----

export const createTransaction: AppRouteHandler<typeof routes.createTransaction> = async (c) => {
  const { userId } = getAuth(c);
  const chain = chainOf(c);
  const input = c.req.valid("json");
  const message = input.message ?? null;
  const { db, redis } = c.var.services;
  const request = { chain, to_address: input.to_address, amount: formatAmount(input.amount), message };

  const result = await idempotent(c, "blockchain.transfer", request, async (claim) => {
    const tx = await createTransfer(
      { db, masterKey: c.var.config.WALLET_MASTER_KEY, chain },
      {
        userId,
        toAddress: input.to_address,
        amountUnits: input.amount,
        message,
        idempotency: claim,
        actor: actorOf(c),
      },
    );
    await invalidateCache(redis, ["chain"]);
    countEvent("blackroad_transfers_total");
    countEvent("blackroad_transfer_volume_coins_total", {}, Number(tx.amount));
    return tx;
  });
  return c.json(result.body, result.status);
};

export const listTransactions: AppRouteHandler<typeof routes.listTransactions> = async (c) => {
  const query = c.req.valid("query");
  const rows = await listUserTransactions(c.var.services.db, chainOf(c), getAuth(c).userId, query);
  c.header("Cache-Control", "no-store");
  setNextPage(c, rows, query.limit, byId);
  return c.json(rows, 200);
};

export const getTransaction: AppRouteHandler<typeof routes.getTransaction> = async (c) => {
  const tx = await findTransaction(c.var.services.db, c.req.valid("param").tx_hash);
  if (!tx) throw notFound("Transaction not found");
  return c.json(tx, 200);
};

// ---- stats and live blocks ----

export const getStats: AppRouteHandler<typeof routes.getStats> = async (c) => {
  const chain = chainOf(c);
  const { config } = c.var;
  return cachedJson(c, {
    endpoint: "/api/blockchain/stats",
    params: { chain },
    load: () =>
      chainStats(c.var.services.db, chain, {
        difficulty: config.BLOCKCHAIN_DIFFICULTY,
        reward: formatAmount(parseAmount(config.MINING_REWARD)),
      }),
  });
};

export const liveBlocks: AppRouteHandler<typeof routes.liveBlocks> = async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade-required", "Connect with a WebSocket (Upgrade: websocket)", {
      headers: { Upgrade: "websocket" },
    });
  }
  const chain = chainOf(c);
  // The feed's own shards hold the sockets (durable-objects/block-feed.ts), never the ledger's writer.
  const ip = clientIp(c.req.raw.headers);
  const address = ip ? ipIdentity(ip) : "unknown";
  const shard = feedShardOf(address, c.var.config.BLOCKCHAIN_WS_SHARDS);
  const url = new URL("https://block-feed.internal/ws");
  url.searchParams.set("chain", chain);
  url.searchParams.set("address", address);
  const res = await callLedger(() =>
    blockFeedStub(c.env.BLOCK_FEED, chain, shard).fetch(new Request(url, { headers: c.req.raw.headers })),
  );
  if (res.headers.get(FEED_REFUSED_HEADER) === "connection-cap") {
    throw new ApiError(
      429,
      "too-many-connections",
      `At most ${c.var.config.BLOCKCHAIN_WS_MAX_CONNECTIONS_PER_ADDRESS} live connections per address; close one first`,
      {
        headers: { "Retry-After": "30" },
      },
    );
  }
  if (res.status !== 101 || !res.webSocket) {
    throw serviceUnavailable("The live block stream is unavailable; retry shortly", "ledger-unavailable");
  }
  // A fresh Response: the Durable Object's headers are immutable and the middleware adds its own.
  return new Response(null, { status: 101, webSocket: res.webSocket }) as never;
};
