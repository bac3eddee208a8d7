import { z } from "@hono/zod-openapi";
import { CREATOR_STATUSES, CREATOR_TYPES, REVENUE_KINDS } from "../../lib/constants.ts";
import { timeCursorParam } from "../../lib/cursor-param.ts";
import { IdParams, idParam } from "../../lib/params.ts";

export { IdParams };
export const AssetParams = z.object({ id: idParam("id"), fileId: idParam("fileId") });

const RevenueStream = z.strictObject({
  name: z.string().trim().min(1).max(100).openapi({ example: "Bandcamp sales" }),
  kind: z.enum(REVENUE_KINDS),
  monthly_amount: z.number().min(0).max(1_000_000_000).openapi({ example: 120 }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "currency: an ISO 4217 code such as USD")
    .default("USD")
    .openapi({ example: "USD" }),
});

const fields = {
  title: z.string().trim().min(1).max(255).openapi({ example: "Night Drive EP" }),
  type: z.enum(CREATOR_TYPES),
  description: z.string().trim().max(5000).nullish(),
  revenue_streams: z.array(RevenueStream).max(20),
  notes: z.string().max(20_000).nullish(),
};

export const CreateBody = z
  .strictObject({ ...fields, type: fields.type.default("mixed"), revenue_streams: fields.revenue_streams.default([]) })
  .openapi("CreateCreativeProject");
export const UpdateBody = z
  .strictObject({
    title: fields.title.optional(),
    type: fields.type.optional(),
    description: fields.description,
    revenue_streams: fields.revenue_streams.optional(),
    notes: fields.notes,
  })
  .openapi("UpdateCreativeProject");
export const StatusBody = z
  .strictObject({ status: z.enum(CREATOR_STATUSES).openapi({ example: "in_progress" }) })
  .openapi("CreativeProjectStatus");

export const ListQuery = z.object({
  status: z.enum(CREATOR_STATUSES).optional(),
  type: z.enum(CREATOR_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  before: timeCursorParam("int", "projects last changed before it (ties by id)"),
});

export const ProjectSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    type: z.string(),
    description: z.string().nullable(),
    status: z.enum(CREATOR_STATUSES),
    revenue_streams: z.array(
      z.object({ name: z.string(), kind: z.string(), monthly_amount: z.number(), currency: z.string() }),
    ),
    monthly_revenue: z.record(z.string(), z.number()).openapi({ description: "Sum of the streams per currency" }),
    notes: z.string().nullable(),
    assets: z.array(
      z.object({
        file_id: z.number().int(),
        name: z.string(),
        content_type: z.string(),
        size: z.number().int(),
        added_at: z.string(),
      }),
    ),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("CreativeProject");
export const ListSchema = z
  .object({ projects: z.array(ProjectSchema), total: z.number().int() })
  .openapi("CreativeProjectList");
