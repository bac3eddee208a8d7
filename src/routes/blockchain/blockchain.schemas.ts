import { z } from "@hono/zod-openapi";
import { MAX_PAGE_SIZE } from "../../lib/pagination.ts";
import { safeParseAmount } from "../../services/chain/amount.ts";
import { MAX_BALANCE_POINTS } from "../../services/chain/balance-history.ts";
import { DEFAULT_BLOCK_TRANSACTIONS, MAX_BLOCK_TRANSACTIONS } from "../../services/chain/mining.ts";
import { MAX_MESSAGE_LENGTH } from "../../services/chain/transfer.ts";

const HASH_EXAMPLE = "0a3f9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";
const ADDRESS_EXAMPLE = "RD3f9c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a";
const HEIGHT_RE = /^(0|[1-9][0-9]{0,9})$/;
const HASH_RE = /^[0-9a-fA-F]{64}$/;
const MAX_HEIGHT = 2_147_483_647;

const amount = (description: string) => z.string().openapi({ example: "10.50000000", description });
const hash = z.string().openapi({ example: HASH_EXAMPLE });

// ---- parameters ----

export const BlockRefParams = z.object({
  block_id: z
    .string()
    .refine((v) => (HEIGHT_RE.test(v) && Number(v) <= MAX_HEIGHT) || HASH_RE.test(v), {
      message: "must be a block height (0–2147483647, plain decimal digits) or a block hash (64 hex characters)",
    })
    .transform((v): { height: number } | { hash: string } =>
      v.length === 64 ? { hash: v.toLowerCase() } : { height: Number(v) },
    )
    .openapi({
      param: { name: "block_id", in: "path" },
      description:
        "A height (decimal digits, no sign or leading zeros: at most 10 characters) or a hash (exactly 64 hex " +
        "characters). The two forms cannot overlap, so every value means one block.",
      example: "42",
    }),
});

export const TransactionHashParams = z.object({
  tx_hash: z
    .string()
    .regex(HASH_RE, "must be a transaction hash (64 hex characters)")
    .transform((v) => v.toLowerCase())
    .openapi({ param: { name: "tx_hash", in: "path" }, example: HASH_EXAMPLE }),
});

export const BlocksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20).openapi({ example: 20 }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ example: 0 }),
  before: z.coerce.number().int().min(1).max(2_147_483_647).optional().openapi({
    description:
      "Keyset cursor: only blocks with a height below this (the X-Next-Cursor header of the previous page, its last block's height). Stable while blocks are appended; prefer it to `offset`",
    example: 1200,
  }),
});

export const TransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50).openapi({ example: 50 }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).openapi({ example: 0 }),
  before: z.coerce.number().int().min(1).max(2_147_483_647).optional().openapi({
    description:
      "Keyset cursor: only transactions with an id below this (pass the last id of the previous page; cost stays flat however deep the page, unlike `offset`)",
    example: 1200,
  }),
});

export const IdempotencyHeaders = z.object({
  // Read with c.req.header() and checked by parseIdempotencyKey (a malformed key is a 400).
  "Idempotency-Key": z
    .string()
    .optional()
    .openapi({
      description:
        "8–255 visible ASCII characters (a UUID is recommended), scoped to your account for 24 hours. Repeating " +
        "the request with the same key returns the original result (with `Idempotent-Replayed: true`) instead of " +
        "doing it again; the same key with a different body is a 422; while the first request is still running, a 409.",
      example: "5f2b8c1e-3a57-4c1e-9d1a-0c2f7e4b9a11",
    }),
});

// ---- bodies ----

/** Server-owned block fields are not accepted: the strict object turns them into a 422. */
export const MineBody = z
  .strictObject({
    max_transactions: z
      .number()
      .int()
      .min(0)
      .max(MAX_BLOCK_TRANSACTIONS)
      .optional()
      .openapi({
        description: `Pending transactions to include, oldest first (default ${DEFAULT_BLOCK_TRANSACTIONS})`,
        example: 10,
      }),
  })
  .openapi("MineRequest");

export const TransferBody = z
  .strictObject({
    to_address: z
      .string()
      .regex(/^RD[0-9a-f]{38}$/, 'must be a wallet address: "RD" and 38 lowercase hex characters')
      .openapi({ example: ADDRESS_EXAMPLE }),
    amount: z
      .union([z.string(), z.number()])
      .transform((v, ctx) => {
        const r = safeParseAmount(v);
        if (!r.ok) {
          ctx.addIssue({ code: "custom", message: r.message });
          return z.NEVER;
        }
        return r.units;
      })
      .openapi({
        description:
          "Exact decimal, preferably as a string: at least 0.0001, at most 8 decimal places, no exponent. A JSON " +
          "number is accepted only when it has at most 15 significant digits (so it is exact).",
        example: "10.5",
      }),
    message: z
      .string()
      .max(MAX_MESSAGE_LENGTH, `message is limited to ${MAX_MESSAGE_LENGTH} characters`)
      .nullish()
      .openapi({ description: "Stored and signed with the transfer", example: "rent" }),
  })
  .openapi("TransferRequest");

// ---- responses ----

export const TransactionSchema = z
  .object({
    id: z.number().int(),
    transaction_hash: hash.openapi({
      description: "SHA-256 of the signed payload (see README, RoadChain: verify it yourself)",
    }),
    from_address: z.string().openapi({ example: ADDRESS_EXAMPLE }),
    to_address: z.string().openapi({ example: ADDRESS_EXAMPLE }),
    amount: amount("Exact amount, 8 decimals"),
    fee: amount("Always 0.00000000"),
    message: z.string().nullable(),
    nonce: z.string().openapi({ description: "Random per transaction; part of the signed payload" }),
    timestamp: z.number().int().openapi({ description: "Milliseconds since the epoch; part of the signed payload" }),
    signature: z.string().openapi({ description: "Ed25519 signature (base64url) over the signed payload" }),
    public_key: z
      .string()
      .openapi({ description: "Sender's Ed25519 public key (base64url); SHA-256 of it gives from_address" }),
    is_confirmed: z.boolean(),
    block_height: z.number().int().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    confirmed_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("Transaction");

const blockFields = {
  id: z.number().int(),
  height: z.number().int().openapi({ example: 42 }),
  index: z.number().int().openapi({ description: "Same as height (the original API's name)" }),
  hash,
  previous_hash: hash,
  merkle_root: hash,
  timestamp: z.number().int().openapi({ description: "Milliseconds since the epoch, as hashed" }),
  timestamp_iso: z.string().openapi({ format: "date-time" }),
  nonce: z.number().int(),
  difficulty: z.number().int(),
  miner_address: z.string().nullable(),
  reward: amount("Mining reward credited to the miner"),
  transaction_count: z.number().int(),
};

export const BlockSummarySchema = z.object(blockFields).openapi("BlockSummary");
export const BlockSchema = z
  .object({
    ...blockFields,
    transactions: z.array(TransactionSchema).openapi({ description: "In block order (ascending id)" }),
  })
  .openapi("Block");

export const WalletSchema = z
  .object({
    address: z.string().openapi({ example: ADDRESS_EXAMPLE }),
    balance: amount("Exact balance, 8 decimals"),
    label: z.string().openapi({ example: "Primary Wallet" }),
    public_key: z.string(),
  })
  .openapi("Wallet");

export const BalanceSchema = z
  .object({ address: z.string().openapi({ example: ADDRESS_EXAMPLE }), balance: amount("Exact balance, 8 decimals") })
  .openapi("Balance");

export const StatsSchema = z
  .object({
    height: z.number().int().nullable(),
    head_hash: z.string().nullable(),
    latest_block_index: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Same as height (the original API's name)" }),
    latest_block_hash: z.string().nullable(),
    total_blocks: z.number().int(),
    total_transactions: z.number().int(),
    confirmed_transactions: z.number().int(),
    pending_transactions: z.number().int(),
    difficulty: z.number().int().openapi({ description: "Difficulty new blocks are mined at" }),
    mining_reward: amount("Reward for new blocks"),
    average_block_time_seconds: z
      .number()
      .nullable()
      .openapi({ description: "Over the latest 100 blocks (genesis excluded)" }),
  })
  .openapi("ChainStats");

export const VerifySchema = z
  .object({
    valid: z.boolean(),
    height: z.number().int().openapi({ description: "Head height held by the RoadChain Durable Object" }),
    head_hash: z.string(),
    database_height: z.number().int().nullable(),
    checked_blocks: z.number().int(),
    checked_transactions: z.number().int(),
    first_invalid_height: z.number().int().nullable(),
    errors: z.array(z.object({ height: z.number().int(), problem: z.string() })),
    errors_omitted: z.number().int(),
    duration_ms: z.number().int(),
    complete: z.boolean().openapi({
      description:
        "False when more new blocks than one request verifies (2,000) were waiting: `valid` is then false, the checkpoint advanced, and the next request continues",
    }),
    verified_from: z.number().int().openapi({
      description:
        "Height this request's walk began at: the checkpoint's height (its block re-checked and linked), or 0",
    }),
    checkpoint_height: z.number().int().nullable().openapi({
      description: "Latest verified checkpoint this request built on (null: none yet)",
    }),
    checkpoint_verified_at: z.string().nullable(),
    sampled_blocks: z.number().int().openapi({
      description: "Old blocks below the checkpoint re-checked in random windows by this request",
    }),
    remaining_blocks: z.number().int().openapi({ description: "Blocks above what this request reached" }),
  })
  .openapi("ChainVerification");

// ---- balance history (the Wallet's chart) ----

export const BalanceHistoryQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_BALANCE_POINTS)
    .default(100)
    .openapi({
      description: `How many of the latest balance changes (1–${MAX_BALANCE_POINTS})`,
      example: 100,
    }),
});

export const BalanceHistorySchema = z
  .object({
    address: z.string().openapi({ example: ADDRESS_EXAMPLE }),
    balance: amount("The current balance"),
    complete: z.boolean().openapi({
      description: "true when the points reach back to the wallet's opening (its first point is `opened`)",
    }),
    points: z
      .array(
        z.object({
          at: z.string().openapi({ example: "2026-01-05T10:00:00.000Z" }),
          balance: amount("The balance right after this change"),
          change: z.string().openapi({ example: "-2.50000000", description: "Signed change, 8 decimals" }),
          kind: z.enum(["opened", "sent", "received", "mined"]),
        }),
      )
      .openapi({ description: "Oldest first" }),
  })
  .openapi("BalanceHistory");
