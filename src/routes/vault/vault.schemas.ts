import { z } from "@hono/zod-openapi";
import { timeCursorParam } from "../../lib/cursor-param.ts";

export const MAX_IDEA_CHARS = 100_000;

export const IdParams = z.object({
  id: z
    .uuid("id must be a UUID")
    .openapi({ param: { name: "id", in: "path" }, example: "0b1f6e5c-4d0a-4f59-9c1e-2b7f0a6d9e11" }),
});

export const CreateBody = z
  .strictObject({
    idea: z
      .string()
      .min(1, "idea must not be empty")
      .max(MAX_IDEA_CHARS)
      .refine((s) => s.trim() !== "", "idea must contain more than whitespace")
      .openapi({ example: "A solar kiln that dries timber in a week." }),
    title: z.string().trim().max(500).nullish(),
    author: z.string().trim().min(1).max(255).optional().openapi({ description: "Default: your username" }),
  })
  .openapi("CreateVaultEntry");

export const ListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({
    description: "Offset paging for older clients (ignored with `before`, which costs the same at any depth)",
  }),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
  before: timeCursorParam("uuid", "entries created before it (ties by id)"),
});

export const EntrySchema = z
  .object({
    id: z.string(),
    author: z.string(),
    title: z.string().nullable(),
    canonical_text: z.string(),
    canonical_size: z.number().int(),
    hashes: z.object({
      sha256: z.string(),
      sha512: z.string(),
      sha3_256: z.string().openapi({ description: "SHA3-256 (FIPS 202), not Keccak-256" }),
    }),
    anchor: z.object({
      status: z.enum(["none", "pending", "anchored"]),
      chain: z.string().nullable(),
      transaction_hash: z.string().nullable(),
      block_height: z.number().int().nullable(),
      requested_at: z.string().nullable(),
      anchored_at: z.string().nullable(),
    }),
    created_at: z.string(),
    verification_text: z.string(),
  })
  .openapi("VaultEntry");

export const ListSchema = z.object({
  leos: z.array(EntrySchema),
  total: z.number().int(),
  page: z.number().int(),
  per_page: z.number().int(),
});
export const EventSchema = z
  .object({ id: z.number().int(), type: z.string(), detail: z.record(z.string(), z.unknown()), created_at: z.string() })
  .openapi("VaultEvent");
export const ProofSchema = z
  .record(z.string(), z.unknown())
  .openapi("VaultProof", { description: "See README: verify a vault proof yourself" });
