import { z } from "@hono/zod-openapi";
import {
  DEVICE_COMMAND_ACTIONS,
  DEVICE_COMMAND_STATUSES,
  DEVICE_KINDS,
  DEVICE_RUN_ACTIONS,
} from "../../lib/constants.ts";
import { timeCursorParam } from "../../lib/cursor-param.ts";

/** Paths under /api/devices that are not device ids. */
const RESERVED_IDS = ["stats"];

const deviceIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    "device_id: 1–64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
  )
  .refine((s) => !RESERVED_IDS.includes(s), "device_id may not be a reserved word");

export const DeviceIdParams = z.object({
  device_id: deviceIdSchema.openapi({ param: { name: "device_id", in: "path" }, example: "kitchen-pi" }),
});
export const CommandIdParams = DeviceIdParams.extend({
  command_id: z
    .uuid("command_id must be a UUID")
    .openapi({ param: { name: "command_id", in: "path" }, example: "0b1f6e5c-4d0a-4f59-9c1e-2b7f0a6d9e11" }),
});

const tag = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,32}$/, "a tag is 1–32 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "no control characters");

export const CreateDeviceBody = z
  .strictObject({
    device_id: deviceIdSchema.openapi({ example: "kitchen-pi" }),
    name: text(200).openapi({ example: "Kitchen Raspberry Pi" }),
    kind: z.enum(DEVICE_KINDS).default("other").openapi({ example: "raspberry_pi" }),
    tags: z
      .array(tag)
      .max(20)
      .default([])
      .openapi({ example: ["home", "sensors"] }),
    description: z.string().trim().max(2000).nullish(),
    heartbeat_interval_seconds: z
      .number()
      .int()
      .min(10)
      .max(3600)
      .default(60)
      .openapi({ example: 60, description: "How often the agent reports; offline after two missed beats" }),
  })
  .openapi("CreateDevice");

export const UpdateDeviceBody = z
  .strictObject({
    name: text(200).optional(),
    kind: z.enum(DEVICE_KINDS).optional(),
    tags: z.array(tag).max(20).optional(),
    description: z.string().trim().max(2000).nullish(),
    heartbeat_interval_seconds: z.number().int().min(10).max(3600).optional().openapi({ example: 60 }),
  })
  .openapi("UpdateDevice");

export const ListQuery = z.object({
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  after: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "after must be a device_id (the X-Next-Cursor of the previous page)")
    .optional()
    .openapi({
      description:
        "Keyset cursor: only devices whose device_id sorts after this one (the X-Next-Cursor header of the previous page). Stable while devices are added or removed; prefer it to `skip`",
      example: "kitchen-pi",
    }),
});

const MetricsSchema = z
  .object({
    cpu_percent: z.number(),
    ram_percent: z.number(),
    disk_percent: z.number(),
    temperature_c: z.number().nullable(),
    ram_used_mb: z.number(),
    ram_total_mb: z.number(),
    disk_used_gb: z.number(),
    disk_total_gb: z.number(),
    uptime_seconds: z.number(),
    services: z.array(z.object({ name: z.string(), status: z.string() })),
  })
  .openapi("DeviceMetrics");

export const DeviceSchema = z
  .object({
    device_id: z.string(),
    name: z.string(),
    kind: z.string(),
    tags: z.array(z.string()),
    description: z.string().nullable(),
    heartbeat_interval_seconds: z.number().int(),
    status: z
      .enum(["online", "offline"])
      .openapi({ description: "online while the last heartbeat is younger than two intervals" }),
    last_seen_at: z.string().nullable(),
    metrics: MetricsSchema.nullable().openapi({ description: "From the latest heartbeat" }),
    agent_version: z.string().nullable(),
    token: z.object({ active: z.boolean(), issued_at: z.string().nullable() }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Device");

export const DeviceWithTokenSchema = DeviceSchema.extend({
  device_token: z.string().openapi({
    description: "Shown once: the agent sends it as `Authorization: Device <token>`. Only its hash is stored.",
  }),
}).openapi("DeviceWithToken");

export const StatsSchema = z
  .object({
    total_devices: z.number().int(),
    online_devices: z.number().int(),
    offline_devices: z.number().int(),
    total_cpu_usage: z.number(),
    total_ram_usage: z.number(),
    average_cpu_usage: z.number().nullable(),
    average_ram_usage: z.number().nullable(),
    average_temperature: z.number().nullable(),
  })
  .openapi("DeviceStats");

// --- heartbeat -------------------------------------------------------------------------------

const serviceName = z
  .string()
  .regex(/^[A-Za-z0-9@._:-]{1,64}$/, "a service name is 1–64 characters of A-Z, a-z, 0-9, '@', '.', '_', ':' or '-'");

export const HeartbeatBody = z
  .strictObject({
    metrics: z
      .strictObject({
        cpu_percent: z.number().min(0).max(100),
        ram_used_mb: z.number().int().min(0).max(16_777_216),
        ram_total_mb: z.number().int().min(1).max(16_777_216),
        disk_used_gb: z.number().min(0).max(1_000_000),
        disk_total_gb: z.number().gt(0).max(1_000_000),
        temperature_c: z.number().min(-60).max(150).nullish(),
        uptime_seconds: z.number().int().min(0).max(3_153_600_000),
        services: z
          .array(z.strictObject({ name: serviceName, status: z.enum(["running", "stopped", "failed"]) }))
          .max(64)
          .optional(),
      })
      .refine((m) => m.ram_used_mb <= m.ram_total_mb, {
        message: "ram_used_mb exceeds ram_total_mb",
        path: ["ram_used_mb"],
      })
      .refine((m) => m.disk_used_gb <= m.disk_total_gb, {
        message: "disk_used_gb exceeds disk_total_gb",
        path: ["disk_used_gb"],
      })
      .openapi({
        example: {
          cpu_percent: 12.5,
          ram_used_mb: 812,
          ram_total_mb: 3906,
          disk_used_gb: 9.1,
          disk_total_gb: 29.7,
          temperature_c: 48.2,
          uptime_seconds: 86400,
          services: [{ name: "nginx", status: "running" }],
        },
      }),
    agent_version: z
      .string()
      .regex(/^[0-9A-Za-z.+-]{1,32}$/, "agent_version: 1–32 characters of 0-9, A-Z, a-z, '.', '+', '-'")
      .optional()
      .openapi({ example: "1.0.0" }),
    results: z
      .array(
        z.strictObject({
          command_id: z.uuid(),
          status: z.enum(["succeeded", "failed"]),
          exit_code: z.number().int().min(-1).max(255).nullish(),
          output: z.string().max(8000).nullish(),
        }),
      )
      .max(20)
      .optional()
      .openapi({ description: "Results of commands delivered in earlier heartbeats" }),
  })
  .openapi("DeviceHeartbeat");

const DeliveredCommand = z.object({
  id: z.string(),
  action: z.enum(DEVICE_COMMAND_ACTIONS),
  target: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});

export const HeartbeatResponse = z
  .object({
    device_id: z.string(),
    status: z.literal("online"),
    next_heartbeat_seconds: z.number().int(),
    commands: z
      .array(DeliveredCommand)
      .openapi({ description: "Commands to run now (each now `delivered`); report each result in a later heartbeat" }),
    acknowledged_results: z.array(z.string()).openapi({
      description: "Ids of the results recorded; results of unknown or already finished commands are ignored",
    }),
  })
  .openapi("DeviceHeartbeatAnswer");

// --- commands ---------------------------------------------------------------------------------

export const CreateCommandBody = z
  .strictObject({
    action: z.enum(DEVICE_COMMAND_ACTIONS).openapi({
      description:
        "restart_service (target: a service name), deploy_version (target: a version), run_action (target: one of the named actions)",
    }),
    target: z
      .string()
      .regex(/^[A-Za-z0-9@._:+-]{1,64}$/, "target: 1–64 characters of A-Z, a-z, 0-9, '@', '.', '_', ':', '+', '-'")
      .openapi({ example: "nginx" }),
    expires_in_seconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .default(3600)
      .openapi({ example: 3600 }),
  })
  .superRefine((b, ctx) => {
    if (b.action === "run_action" && !(DEVICE_RUN_ACTIONS as readonly string[]).includes(b.target)) {
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: `run_action runs one of: ${DEVICE_RUN_ACTIONS.join(", ")}`,
      });
    }
    if (b.action === "deploy_version" && !/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(b.target)) {
      ctx.addIssue({ code: "custom", path: ["target"], message: "deploy_version takes a version such as 1.4.2" });
    }
  })
  .openapi("CreateDeviceCommand", {
    example: { action: "restart_service", target: "nginx", expires_in_seconds: 3600 },
  });

export const CommandSchema = z
  .object({
    id: z.string(),
    action: z.enum(DEVICE_COMMAND_ACTIONS),
    target: z.string(),
    status: z.enum(DEVICE_COMMAND_STATUSES),
    exit_code: z.number().int().nullable(),
    output: z.string().nullable(),
    created_at: z.string(),
    expires_at: z.string(),
    delivered_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .openapi("DeviceCommand");

export const CommandListQuery = z.object({
  status: z.enum(DEVICE_COMMAND_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  before: timeCursorParam("uuid", "commands queued before it (ties by id)"),
});
export const CommandListSchema = z
  .object({ commands: z.array(CommandSchema), total: z.number().int() })
  .openapi("DeviceCommandList");

// --- history ------------------------------------------------------------------------------------

const instant = z.iso
  .datetime({ offset: true, message: "an ISO 8601 date-time, e.g. 2026-01-02T03:04:05Z" })
  .transform((s) => new Date(s));
export const HistoryQuery = z.object({
  from: instant
    .optional()
    .openapi({ type: "string", format: "date-time", description: "Default: an hour before `to`" }),
  to: instant.optional().openapi({ type: "string", format: "date-time", description: "Default: now" }),
  step: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400)
    .optional()
    .openapi({ description: "Seconds per point (default 60 for raw, 3600 for hourly); at most 1000 points" }),
});

export const HistorySchema = z
  .object({
    device_id: z.string(),
    from: z.string(),
    to: z.string(),
    step_seconds: z.number().int(),
    resolution: z
      .enum(["raw", "hourly"])
      .openapi({ description: "raw while the range is within the last 48 h, else hourly roll-ups" }),
    points: z.array(
      z.object({
        t: z.string(),
        samples: z.number().int(),
        cpu_percent: z.number(),
        cpu_max: z.number(),
        ram_percent: z.number(),
        disk_percent: z.number(),
        temperature_c: z.number().nullable(),
        temperature_max: z.number().nullable(),
      }),
    ),
  })
  .openapi("DeviceMetricsHistory");
