import { z } from "@hono/zod-openapi";
import { DEFAULT_BLOCK_TRANSACTIONS, MAX_BLOCK_TRANSACTIONS } from "../../services/chain/mining.ts";

const hash = z.string().openapi({ example: "00a1…" });

export const TemplateQuery = z.object({
  max_transactions: z
    .string()
    .regex(/^[0-9]{1,3}$/, "max_transactions must be an integer")
    .transform(Number)
    .pipe(z.number().max(MAX_BLOCK_TRANSACTIONS, `max_transactions is at most ${MAX_BLOCK_TRANSACTIONS}`))
    .optional()
    .openapi({
      description: `Pending transactions to include, oldest first (default ${DEFAULT_BLOCK_TRANSACTIONS})`,
      example: "10",
    }),
});

export const TemplateSchema = z
  .object({
    template: z.string().openapi({ description: "Opaque; send it back with the nonce you found" }),
    difficulty: z.number().int(),
    height: z.number().int(),
    merkle_root: hash,
    miner_address: z.string().openapi({ description: "Your primary wallet: the reward goes there" }),
    previous_hash: hash,
    reward: z.string().openapi({ example: "50.00000000" }),
    timestamp: z.number().int(),
    transaction_count: z.number().int(),
    target: z
      .string()
      .openapi({ description: "The block hash must start with this (difficulty hex zeros)", example: "0000" }),
    expires_at: z.string().openapi({ description: "Submit before this (then the template is stale: 409)" }),
    work: z.object({ prefix: z.string(), suffix: z.string() }).openapi({
      description:
        "SHA-256 of the UTF-8 bytes of `prefix + nonce + suffix` (the header's RFC 8785 JSON) is the block hash",
    }),
  })
  .openapi("MiningTemplate");

export const SubmitBody = z
  .strictObject({
    template: z
      .string()
      .min(1)
      .max(32_768)
      .openapi({ description: "The `template` of GET /api/blockchain/mining/template" }),
    nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ example: 48213 }),
  })
  .openapi("MiningSubmission");
