import { z } from "@hono/zod-openapi";

export const GitHubWebhookHeaders = z.object({
  "x-github-event": z
    .string()
    .regex(/^[a-z_]{1,64}$/, "a GitHub event name")
    .openapi({ example: "push" }),
  "x-github-delivery": z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "a delivery id")
    .openapi({ example: "72d3162e-cc78-11e3-81ab-4c9367dc0958" }),
  "x-hub-signature-256": z
    .string()
    .max(100)
    .optional()
    .openapi({ description: "sha256=<hex HMAC-SHA256 of the raw body under GITHUB_WEBHOOK_SECRET>" }),
});

export const StripeWebhookHeaders = z.object({
  "stripe-signature": z
    .string()
    .min(1)
    .max(2000)
    .openapi({ description: "t=<unix seconds>,v1=<hex HMAC-SHA256 of `t.body` under STRIPE_WEBHOOK_SECRET>" }),
});

export const GitHubReceiptSchema = z
  .object({
    status: z.enum(["received", "pong"]),
    event: z.string(),
    action: z.string().nullable(),
    delivery_id: z.string(),
  })
  .openapi("GitHubWebhookReceipt");

export const StripeReceiptSchema = z
  .object({ received: z.literal(true), id: z.string(), type: z.string() })
  .openapi("StripeWebhookReceipt");

export const WebhookStatusSchema = z
  .object({
    github: z.object({ configured: z.boolean(), path: z.string() }),
    stripe: z.object({ configured: z.boolean(), path: z.string(), tolerance_seconds: z.number() }),
    replay_window_hours: z.number(),
    max_body_bytes: z.number(),
  })
  .openapi("WebhookStatus");
