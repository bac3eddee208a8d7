import { z } from "@hono/zod-openapi";

const instant = z.iso
  .datetime({ offset: true, message: "an ISO 8601 date-time, e.g. 2026-01-02T03:04:05Z" })
  .transform((s) => new Date(s));

export const FilterQuery = z.object({
  type: z
    .string()
    .regex(/^[a-z0-9_.]{1,64}$/, "type: a-z, 0-9, '_' and '.' (a prefix: auth. matches every auth event)")
    .optional()
    .openapi({ example: "auth." }),
  user_id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .openapi({ description: "Administrators: one user's events (default: everyone's). Others: only their own id" }),
  from: instant.optional().openapi({ type: "string", format: "date-time" }),
  to: instant.optional().openapi({ type: "string", format: "date-time" }),
});

export const ListQuery = FilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: "The next page: `next_before` of the previous one" }),
});

export const EventSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    user_id: z.number().int().nullable(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi("ComplianceEvent");

export const ListSchema = z
  .object({ events: z.array(EventSchema), next_before: z.number().int().nullable() })
  .openapi("ComplianceEventPage");
