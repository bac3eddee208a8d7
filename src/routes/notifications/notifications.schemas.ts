import { z } from "@hono/zod-openapi";
import { NOTIFICATION_IMPORTANCE } from "../../lib/constants.ts";
import { idParam } from "../../lib/params.ts";

export const IdParams = z.object({ id: idParam("id") });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .openapi({ description: "Keyset cursor: the last id of the previous page" }),
  importance: z.enum(NOTIFICATION_IMPORTANCE).optional(),
  unread_only: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

export const TicketQuery = z.object({
  ticket: z.string().max(200).optional().openapi({ description: "From POST /api/notifications/live-ticket" }),
});

export const NotificationSchema = z
  .object({
    id: z.number().int(),
    type: z.string().openapi({ example: "mail.received" }),
    title: z.string(),
    body: z.string(),
    importance: z.enum(NOTIFICATION_IMPORTANCE),
    link: z.string().nullable().openapi({ description: "Where Pocket OS opens it: app:<id>#<ref>" }),
    actor_id: z.number().int().nullable(),
    read: z.boolean(),
    read_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Notification");

export const UnreadSchema = z.object({ unread: z.number().int() });
export const ReadAllSchema = z.object({ marked: z.number().int(), unread: z.number().int() });
export const TicketSchema = z
  .object({ ticket: z.string(), url: z.string(), expires_in: z.number().int() })
  .openapi("LiveTicket");
