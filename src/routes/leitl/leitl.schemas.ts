import { z } from "@hono/zod-openapi";

const Meta = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, "meta keys: 1–40 letters, digits, _ . -"), z.string().max(200))
  .refine((m) => Object.keys(m).length <= 10, "at most 10 meta entries");

export const RegisterBody = z
  .strictObject({
    agent: z.string().trim().min(1, "agent must not be empty").max(64).openapi({ example: "code-reviewer" }),
    meta: Meta.default({}),
  })
  .openapi("LeitlRegister");

export const SessionIdParams = z.object({ id: z.uuid("id must be a UUID") });

/** Any JSON value, at most ~4 KB once serialised. */
const Payload = z
  .unknown()
  .refine((v) => v !== undefined, "data is required")
  .refine((v) => JSON.stringify(v ?? null).length <= 4096, "data is limited to 4096 characters of JSON")
  .openapi({ example: { note: "tests are green" } });

export const BroadcastBody = z
  .strictObject({
    session_id: z
      .uuid("session_id must be a UUID")
      .nullish()
      .openapi({ description: "Sender (one of my sessions); none: me" }),
    data: Payload,
  })
  .openapi("LeitlBroadcast");

export const ContextBody = z
  .strictObject({
    version: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "The version this write is based on (409 when it is not the current one)" }),
    document: z
      .record(z.string(), z.unknown())
      .refine((d) => JSON.stringify(d).length <= 65_536, "document is limited to 64 KB of JSON"),
  })
  .openapi("LeitlContextWrite");

export const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const SocketQuery = z.object({ session: z.uuid("session must be a UUID") });

export const SessionSchema = z
  .object({
    id: z.string(),
    agent: z.string(),
    meta: z.record(z.string(), z.string()),
    registered_at: z.string(),
    last_seen: z.string(),
    expires_at: z.string(),
  })
  .openapi("LeitlSession");

export const MessageSchema = z
  .object({
    id: z.number().int(),
    from: z.string().nullable(),
    agent: z.string().nullable(),
    data: z.unknown(),
    at: z.string(),
  })
  .openapi("LeitlMessage");

export const EventSchema = z
  .object({ at: z.string(), type: z.string(), session_id: z.string().nullable(), agent: z.string().nullable() })
  .openapi("LeitlEvent");

export const ContextSchema = z
  .object({ version: z.number().int(), document: z.record(z.string(), z.unknown()), updated_at: z.string().nullable() })
  .openapi("LeitlContext");

export const HealthSchema = z
  .object({
    status: z.literal("healthy"),
    service: z.literal("leitl"),
    session_ttl_seconds: z.number().int(),
    timestamp: z.string(),
  })
  .openapi("LeitlHealth");
