import { roadChainStub } from "../../../durable-objects/roadchain.contract.ts";
import { notFound } from "../../../lib/errors.ts";
import { invalidateCache } from "../../../lib/response-cache.ts";
import { durableObjectLedger } from "../../../services/chain/chain-writer.ts";
import { DEFAULT_BLOCK_TRANSACTIONS, mineBlock } from "../../../services/chain/mining.ts";
import { pendingTransactions } from "../../../services/chain/reads.ts";
import { assertServerMiningAllowed } from "../../../services/chain/server-mining.ts";
import { primaryWallet } from "../../../services/chain/transfer.ts";
import { runIdempotent } from "../../../services/idempotent-request.ts";
import { MineBody } from "../../blockchain/blockchain.schemas.ts";
import { auditLater } from "../../request-kit.ts";
import { builder } from "./builder.ts";
import { BlockRef } from "./chain.ts";
import { viewer } from "./context.ts";
import { parseInput } from "./inputs.ts";

/** `mine`: the same service calls as POST /api/blockchain/blocks, under the same rules. */
builder.mutationFields((t) => ({
  mine: t.field({
    type: BlockRef,
    description:
      "Mine a block with the oldest pending transactions (as POST /api/blockchain/blocks): the reward goes to my wallet",
    args: {
      maxTransactions: t.arg.int({
        description: `Pending transactions to include (default ${DEFAULT_BLOCK_TRANSACTIONS})`,
      }),
      idempotencyKey: t.arg.string({ description: "As REST's Idempotency-Key header" }),
    },
    resolve: async (_r, args, ctx) => {
      const userId = viewer(ctx);
      const body = parseInput(MineBody, args.maxTransactions == null ? {} : { max_transactions: args.maxTransactions });
      const maxTransactions = body.max_transactions ?? DEFAULT_BLOCK_TRANSACTIONS;
      const { c, db, chain } = ctx;
      await assertServerMiningAllowed(c.var.config, db, userId);
      const result = await runIdempotent(
        db,
        {
          userId,
          keyHeader: args.idempotencyKey ?? undefined,
          operation: "blockchain.mine",
          request: { chain, max_transactions: maxTransactions },
          waitUntil: (p) => c.executionCtx.waitUntil(p),
        },
        async (claim) => {
          const wallet = await primaryWallet(db, userId);
          if (!wallet) throw notFound("You have no wallet to receive the mining reward");
          const mined = await mineBlock(
            {
              writer: durableObjectLedger(roadChainStub(c.env.ROADCHAIN, chain), chain),
              pending: (limit) => pendingTransactions(db, chain, limit),
            },
            { minerId: userId, minerAddress: wallet.address, maxTransactions, idempotency: claim },
          );
          await invalidateCache(c.var.services.redis, ["chain"]);
          auditLater(c, "chain.block_mined", { chain, height: mined.block.height, attempts: mined.attempts });
          return mined.block;
        },
      );
      return result.body;
    },
  }),
}));
