import { z } from "@hono/zod-openapi";
import { notFound, unprocessable } from "../../../lib/errors.ts";
import { findBlock, findTransaction, listBlocks, listUserTransactions } from "../../../services/chain/reads.ts";
import { primaryWallet, type WalletView } from "../../../services/chain/transfer.ts";
import { type BlockSummaryView, type TransactionView, transactionView } from "../../../services/chain/views.ts";
import { builder } from "./builder.ts";
import { connection, connectionArgs, keysetPage } from "./connections.ts";
import { type GraphQLContext, viewer } from "./context.ts";
import { parseInput } from "./inputs.ts";

export const WalletRef = builder.objectRef<WalletView>("Wallet").implement({
  fields: (t) => ({
    address: t.exposeString("address"),
    balance: t.exposeString("balance", { description: 'Exact decimal with 8 places, e.g. "100.00000000"' }),
    label: t.exposeString("label"),
    publicKey: t.exposeString("public_key"),
  }),
});

/** The viewer's primary wallet, or the REST 404. */
export async function myWallet(ctx: GraphQLContext): Promise<WalletView> {
  const wallet = await primaryWallet(ctx.db, viewer(ctx));
  if (!wallet) throw notFound("You have no wallet");
  return wallet;
}

export const TransactionRef = builder.objectRef<TransactionView>("Transaction").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    hash: t.exposeString("transaction_hash"),
    fromAddress: t.exposeString("from_address"),
    toAddress: t.exposeString("to_address"),
    amount: t.exposeString("amount"),
    fee: t.exposeString("fee"),
    message: t.exposeString("message", { nullable: true }),
    nonce: t.exposeString("nonce"),
    timestamp: t.exposeFloat("timestamp"),
    signature: t.exposeString("signature"),
    publicKey: t.exposeString("public_key"),
    isConfirmed: t.exposeBoolean("is_confirmed"),
    blockHeight: t.exposeInt("block_height", { nullable: true }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    confirmedAt: t.expose("confirmed_at", { type: "DateTime", nullable: true }),
  }),
});
export const TransactionConnection = connection("Transaction", TransactionRef);

export const BlockRef = builder.objectRef<BlockSummaryView>("Block").implement({
  fields: (t) => ({
    height: t.exposeInt("height"),
    hash: t.exposeString("hash"),
    previousHash: t.exposeString("previous_hash"),
    merkleRoot: t.exposeString("merkle_root"),
    timestamp: t.exposeFloat("timestamp"),
    nonce: t.exposeFloat("nonce"),
    difficulty: t.exposeInt("difficulty"),
    minerAddress: t.exposeString("miner_address", { nullable: true }),
    reward: t.exposeString("reward"),
    transactionCount: t.exposeInt("transaction_count"),
    transactions: t.field({
      type: [TransactionRef],
      description: "In block order (batched across the blocks of a page: one statement)",
      resolve: async (b, _a, ctx) => (await ctx.loaders.blockTransactions.load(b.height)).map(transactionView),
    }),
  }),
});
export const BlockConnection = connection("Block", BlockRef);

const Hash = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters");

builder.queryFields((t) => ({
  blocks: t.field({
    type: BlockConnection,
    description: "RoadChain blocks, newest first (as GET /api/blockchain/blocks)",
    args: connectionArgs,
    resolve: (_r, args, ctx) =>
      keysetPage(
        args,
        (page) => listBlocks(ctx.db, ctx.chain, page),
        (block) => block.height,
      ),
  }),
  block: t.field({
    type: BlockRef,
    description: "One block by height or by hash (give exactly one)",
    args: { height: t.arg.int(), hash: t.arg.string() },
    resolve: async (_r, args, ctx) => {
      if ((args.height == null) === (args.hash == null)) {
        throw unprocessable("block: give exactly one of height and hash", [
          { path: "height", message: "give exactly one of height and hash" },
        ]);
      }
      const block = await findBlock(
        ctx.db,
        ctx.chain,
        args.height != null
          ? { height: parseInput(z.number().int().min(0, "must be ≥ 0"), args.height, "height") }
          : { hash: parseInput(Hash, args.hash, "hash") },
      );
      if (!block) throw notFound("Block not found");
      return block;
    },
  }),
  transaction: t.field({
    type: TransactionRef,
    args: { hash: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const tx = await findTransaction(ctx.db, parseInput(Hash, args.hash, "hash"));
      if (!tx) throw notFound("Transaction not found");
      return tx;
    },
  }),
}));

export const myTransactions = (ctx: GraphQLContext, args: { first?: number | null; after?: string | null }) =>
  keysetPage(args, (page) => listUserTransactions(ctx.db, ctx.chain, viewer(ctx), page));
