import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, routeKit } from "../route-kit.ts";
import {
  BalanceHistoryQuery,
  BalanceHistorySchema,
  BalanceSchema,
  BlockRefParams,
  BlockSchema,
  BlockSummarySchema,
  BlocksQuery,
  IdempotencyHeaders,
  MineBody,
  StatsSchema,
  TransactionHashParams,
  TransactionSchema,
  TransactionsQuery,
  TransferBody,
  VerifySchema,
  WalletSchema,
} from "./blockchain.schemas.ts";

const { anyone, user } = routeKit(
  "RoadChain",
  "The hash-chained proof-of-work ledger: blocks, wallets, transfers and verification",
);

export const listBlocks = anyone({
  operationId: "listBlocks",
  method: "get",
  path: "/api/blockchain/blocks",
  summary: "Blocks, newest first (keyset paging with ?before=<height>)",
  request: { query: BlocksQuery },
  responses: {
    200: json(z.array(BlockSummarySchema), "A page of blocks (without their transactions)", NextPageHeaders),
    ...problemResponses(422),
  },
});

export const getBlock = anyone({
  operationId: "getBlock",
  method: "get",
  path: "/api/blockchain/blocks/{block_id}",
  summary: "One block with its transactions, by height or by hash",
  request: { params: BlockRefParams },
  responses: { 200: json(BlockSchema, "The block"), ...problemResponses(404, 422) },
});

const mineDescription = [
  "Mines a block on top of the current head with up to `max_transactions` pending transactions (oldest first)",
  "and appends it through the RoadChain Durable Object; the mining reward goes to your primary wallet.",
  "Proof of work runs in this request; if another block lands first, the block is mined again on the new head,",
  "so concurrent requests produce consecutive blocks and never a fork. The body is optional.",
  "Server-owned fields (height, previous_hash, hash, timestamp, nonce…) are not accepted (422).",
].join(" ");

const mineBlockOperation = {
  method: "post",
  summary: "Mine and append a block",
  description: mineDescription,
  request: {
    headers: IdempotencyHeaders,
    body: { required: false, content: { "application/json": { schema: MineBody } } },
  },
  responses: {
    201: json(BlockSchema, "The new block (or, for a replayed Idempotency-Key, the original one)"),
    ...problemResponses(400, 403, 404, 409, 413, 415, 422),
  },
} as const;

export const createBlock = user({ ...mineBlockOperation, operationId: "createBlock", path: "/api/blockchain/blocks" });

export const mine = user({
  ...mineBlockOperation,
  operationId: "mineBlock",
  path: "/api/blockchain/mine",
  summary: "Mine and append a block (the original API's name for POST /blocks)",
});

export const verifyChain = anyone({
  operationId: "verifyChain",
  method: "get",
  path: "/api/blockchain/verify",
  summary: "Verify the chain (incrementally, from the last verified checkpoint)",
  description: [
    "Recomputes block hashes and merkle roots, checks heights, links, proof of work, timestamps and every",
    "transaction's hash and Ed25519 signature, and compares the database's last block with the head held by the",
    "RoadChain Durable Object, so a deleted or rewritten tail is detected too. Only what is new since the last",
    "verified checkpoint is walked (`verified_from`, `checkpoint_height`; at most 2,000 blocks per request, see",
    "`complete`), plus random windows of older blocks (`sampled_blocks`); the full pass is a Prism job, run on a",
    "schedule too (docs/roadchain.md). `errors` names each bad height and what is wrong with it. Answers 503",
    "(never `valid: true`) if the database fails midway.",
  ].join(" "),
  responses: { 200: json(VerifySchema, "The verification report"), ...problemResponses(503) },
});

export const getWallet = user({
  operationId: "getWallet",
  method: "get",
  path: "/api/blockchain/wallet",
  summary: "My primary wallet",
  responses: { 200: json(WalletSchema, "Address, balance and label"), ...problemResponses(404) },
});

export const getBalance = user({
  operationId: "getBalance",
  method: "get",
  path: "/api/blockchain/balance",
  summary: "My primary wallet's balance",
  responses: { 200: json(BalanceSchema, "Address and balance"), ...problemResponses(404) },
});

export const getBalanceHistory = user({
  operationId: "getBalanceHistory",
  method: "get",
  path: "/api/blockchain/wallet/history",
  summary: "My primary wallet's balance over time",
  description:
    "The latest `limit` changes to the balance (transfers out and in, block rewards), oldest first, each with the " +
    "balance right after it; read in one snapshot with the current balance, so the numbers add up exactly.",
  request: { query: BalanceHistoryQuery },
  responses: { 200: json(BalanceHistorySchema, "Balance points"), ...problemResponses(404, 422) },
});

export const createTransaction = user({
  operationId: "createTransaction",
  method: "post",
  path: "/api/blockchain/transactions",
  summary: "Send coins",
  description: [
    "Signs the transfer with your wallet's Ed25519 key and moves the amount between the two balances in one",
    "database transaction (both wallets locked). The transaction is pending until a block includes it.",
    "400: insufficient balance; 404: no wallet has `to_address`; 422: malformed input, an amount below 0.0001 or",
    "with more than 8 decimals, or a transfer to yourself.",
  ].join(" "),
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: TransferBody } } },
  },
  responses: {
    201: json(TransactionSchema, "The pending transaction (or, for a replayed Idempotency-Key, the original one)"),
    ...problemResponses(400, 404, 409, 413, 415, 422),
  },
});

export const listTransactions = user({
  operationId: "listTransactions",
  method: "get",
  path: "/api/blockchain/transactions",
  summary: "My transactions (sent and received), newest first",
  request: { query: TransactionsQuery },
  responses: {
    200: json(z.array(TransactionSchema), "A page of transactions", NextPageHeaders),
    ...problemResponses(422),
  },
});

export const getTransaction = anyone({
  operationId: "getTransaction",
  method: "get",
  path: "/api/blockchain/transactions/{tx_hash}",
  summary: "One transaction by hash",
  request: { params: TransactionHashParams },
  responses: { 200: json(TransactionSchema, "The transaction"), ...problemResponses(404, 422) },
});

export const getStats = anyone({
  operationId: "getChainStats",
  method: "get",
  path: "/api/blockchain/stats",
  summary: "Chain statistics",
  responses: { 200: json(StatsSchema, "Height, head, counts, difficulty, reward and average block time") },
});

export const liveBlocks = anyone({
  operationId: "liveBlocks",
  method: "get",
  path: "/api/blockchain/ws",
  summary: "Live blocks over a WebSocket",
  description: [
    'Upgrade to a WebSocket. The first message is `{"type":"hello","chain":"main","head":{height,hash,timestamp}}`;',
    'then `{"type":"block","block":Block}` arrives once for every appended block. Sending `ping` answers `pong`;',
    'sending `head` answers `{"type":"head","head":…}`. Connections survive the ledger\'s writer restarting.',
    "Limits (README, Security limits): a few connections per client address (more: 429); a client message over",
    "BLOCKCHAIN_WS_MAX_FRAME_BYTES closes the socket with 1009, more than BLOCKCHAIN_WS_MAX_MESSAGES_PER_MINUTE with 1008;",
    "a socket that sends nothing for BLOCKCHAIN_WS_IDLE_SECONDS is closed (1000, `idle timeout`): send `ping` every 30 s.",
  ].join(" "),
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    ...problemResponses(426, 429, 503),
  },
});
