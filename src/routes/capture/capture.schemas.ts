import { z } from "@hono/zod-openapi";
import { CAPTURE_STATUSES, CAPTURE_TYPES } from "../../lib/constants.ts";
import { KeysetQuery } from "../../lib/pagination.ts";
import { IdParams } from "../../lib/params.ts";

export { IdParams };

const tag = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,32}$/, "a tag is 1–32 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");

export const CreateItemBody = z
  .strictObject({
    type: z.enum(CAPTURE_TYPES).default("note"),
    raw_content: z
      .string()
      .max(20_000)
      .refine((s) => s.trim() !== "", "raw_content must not be empty")
      .openapi({ example: "Call the plumber about the kitchen tap" }),
    source: z.string().trim().min(1).max(100).default("manual").openapi({ example: "taskbar" }),
    tags: z
      .array(tag)
      .max(20)
      .default([])
      .openapi({ example: ["home"] }),
  })
  .openapi("CreateCaptureItem");

export const UpdateItemBody = z
  .strictObject({
    type: z.enum(CAPTURE_TYPES).optional(),
    raw_content: z
      .string()
      .max(20_000)
      .refine((s) => s.trim() !== "", "raw_content must not be empty")
      .optional(),
    source: z.string().trim().min(1).max(100).optional(),
  })
  .openapi("UpdateCaptureItem");

export const TagsBody = z
  .strictObject({
    tags: z
      .array(tag)
      .min(1)
      .max(20)
      .openapi({ example: ["urgent"] }),
  })
  .openapi("CaptureTags");
export const StatusBody = z
  .strictObject({ status: z.enum(CAPTURE_STATUSES).openapi({ example: "triaged" }) })
  .openapi("CaptureStatus");

export const ListQuery = z.object({
  status: z.enum(CAPTURE_STATUSES).optional(),
  type: z.enum(CAPTURE_TYPES).optional(),
  tag: tag.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "Words in the content (substring, case-insensitive)" }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  before: KeysetQuery.shape.before,
});

export const ItemSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    raw_content: z.string(),
    source: z.string(),
    tags: z.array(z.string()),
    status: z.enum(CAPTURE_STATUSES),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("CaptureItem");
export const ListSchema = z.object({ items: z.array(ItemSchema), total: z.number().int() }).openapi("CaptureItemList");
export const ClusterSchema = z
  .object({ tag: z.string(), count: z.number().int(), item_ids: z.array(z.number().int()) })
  .openapi("CaptureCluster");
