import { z } from "@hono/zod-openapi";
import { KeysetQuery } from "../../lib/pagination.ts";
import { idParam } from "../../lib/params.ts";
import { EVENT_TYPE_RE } from "../../services/prism/events.ts";
import { JOB_STATUSES, JOB_TYPES } from "../../services/prism/jobs.ts";

const Count = z.number().int();

export const PrismStatsSchema = z
  .object({
    users: Count,
    active_users: Count,
    admins: Count,
    new_users_24h: Count,
    wallets: Count,
    blocks: Count,
    chain_height: z.number().int().nullable(),
    transactions: Count,
    pending_transactions: Count,
    events: Count,
    events_24h: Count,
    failed_logins_24h: Count,
    jobs: Count,
    jobs_queued: Count,
    jobs_running: Count,
    jobs_failed: Count,
  })
  .openapi("PrismStats");

export const EventsQuery = KeysetQuery.extend({
  type: z.string().regex(EVENT_TYPE_RE, "letters, digits, '_', '-' and '.' only").optional().openapi({
    description: "`auth.login` exactly; a word without a dot matches an area (`auth`) or an action (`login`)",
    example: "auth",
  }),
  user_id: z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, "user_id must be a positive integer")
    .transform(Number)
    .pipe(z.number().max(2_147_483_647, "user_id is out of range"))
    .optional()
    .openapi({ type: "integer", example: 1 }),
  since: z.iso
    .datetime({ offset: true, message: "since must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" })
    .transform((v) => new Date(v))
    .optional()
    .openapi({ type: "string", format: "date-time" }),
});

export const EventSchema = z
  .object({
    id: z.number().int(),
    type: z.string().openapi({ example: "auth.login" }),
    user_id: z.number().int().nullable(),
    username: z.string().nullable(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi("AuditEvent");

const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
    .openapi(name);

export const EventPageSchema = page(EventSchema, "AuditEventPage");

export const JobsQuery = KeysetQuery.extend({
  status: z.enum(JOB_STATUSES).optional(),
  type: z.enum(JOB_TYPES).optional(),
});

export const CreateJobBody = z
  .strictObject({
    type: z.enum(JOB_TYPES).openapi({ example: "verify-chain" }),
    payload: z.strictObject({}).nullish().openapi({ description: "verify-chain takes no parameters: {} or absent" }),
  })
  .openapi("CreateJob");

export const JobSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    status: z.enum(JOB_STATUSES),
    payload: z.record(z.string(), z.unknown()),
    result: z.record(z.string(), z.unknown()).nullable(),
    progress: z.record(z.string(), z.unknown()).nullable().openapi({
      description:
        "What a running job has done so far; verify-chain: done_blocks of total_blocks, chunks, max_chunk_ms, problems_found",
    }),
    error: z.string().nullable(),
    attempts: z.number().int(),
    user_id: z.number().int().nullable(),
    username: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
  })
  .openapi("Job");

export const JobPageSchema = page(JobSchema, "JobPage");

export const JobIdParams = z.object({ id: idParam("id") });

export const ChainStatusSchema = z
  .object({
    chain: z.string(),
    height: z.number().int().openapi({ description: "The head held by the RoadChain Durable Object" }),
    head_hash: z.string(),
    head_timestamp: z.string(),
    database_height: z.number().int().nullable(),
    in_sync: z.boolean().openapi({ description: "The database's newest block is the Durable Object's head" }),
    total_blocks: z.number().int(),
    total_transactions: z.number().int(),
    pending_transactions: z.number().int(),
    difficulty: z.number().int(),
    mining_reward: z.string(),
    verify_in_progress: z.boolean(),
    last_verify: JobSchema.nullable(),
  })
  .openapi("PrismChainStatus");

export const PrismHealthSchema = z
  .object({ service: z.literal("prism-console"), status: z.literal("healthy") })
  .openapi("PrismHealth");

export const UserIdParams = z.object({ id: idParam("id") });

export const AccountStatusBody = z
  .strictObject({
    active: z
      .boolean()
      .openapi({ description: "false disables the account (every session ends at once), true enables it again" }),
    reason: z
      .string()
      .trim()
      .min(3, "give a reason (3–500 characters)")
      .max(500)
      .openapi({ example: "Spam reported by three users" }),
  })
  .openapi("AccountStatusChange");

export const AccountStatusSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    is_active: z.boolean(),
    sessions_ended: z.number().int().openapi({ description: "Live sessions ended by this change (0 when enabling)" }),
  })
  .openapi("AccountStatus");
