import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * Devices of the Devices app (a Pi, a server, a phone), each its owner's. `device_id` is the
 * owner's own name for it (unique per owner, not globally, so no one learns another user's ids).
 * The device authenticates its heartbeats with a token of its own, stored only as its SHA-256
 * (`token_hash`, null once revoked); the latest heartbeat's metrics stay on the row for the list.
 */
export const devices = pgTable(
  "devices",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceId: varchar("device_id", { length: 64 }).notNull(),
    name: varchar("name", { length: 200 }).notNull(),
    kind: varchar("kind", { length: 20 }).notNull(),
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    description: text("description"),
    heartbeatIntervalSeconds: integer("heartbeat_interval_seconds").notNull().default(60),
    tokenHash: varchar("token_hash", { length: 64 }),
    tokenIssuedAt: timestamp("token_issued_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    lastMetrics: jsonb("last_metrics").$type<Record<string, unknown>>(),
    agentVersion: varchar("agent_version", { length: 32 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("devices_user_device_id_key").on(t.userId, t.deviceId),
    uniqueIndex("devices_token_hash_key").on(t.tokenHash),
    check("devices_interval_check", sql`${t.heartbeatIntervalSeconds} between 10 and 3600`),
  ],
);

/** Raw samples, one per heartbeat, kept 48 hours (then only their hourly roll-ups remain). */
export const deviceMetrics = pgTable(
  "device_metrics",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    deviceId: integer("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    cpuPercent: real("cpu_percent").notNull(),
    ramPercent: real("ram_percent").notNull(),
    diskPercent: real("disk_percent").notNull(),
    temperatureC: real("temperature_c"),
  },
  (t) => [index("device_metrics_device_at_idx").on(t.deviceId, t.at), index("device_metrics_at_idx").on(t.at)],
);

/** Hourly roll-ups of the raw samples (written by the scheduled job), kept 30 days. */
export const deviceMetricsHourly = pgTable(
  "device_metrics_hourly",
  {
    deviceId: integer("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    samples: integer("samples").notNull(),
    cpuAvg: real("cpu_avg").notNull(),
    cpuMax: real("cpu_max").notNull(),
    ramAvg: real("ram_avg").notNull(),
    diskAvg: real("disk_avg").notNull(),
    temperatureAvg: real("temperature_avg"),
    temperatureMax: real("temperature_max"),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.hour] }), index("device_metrics_hourly_hour_idx").on(t.hour)],
);

/**
 * Commands queued by the owner for a device: an allow-listed action and its target, delivered in a
 * heartbeat answer, its result reported in a later heartbeat.
 */
export const deviceCommands = pgTable(
  "device_commands",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    deviceId: integer("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    action: varchar("action", { length: 32 }).notNull(),
    target: varchar("target", { length: 64 }).notNull(),
    status: varchar("status", { length: 16 }).notNull().default("queued"),
    exitCode: integer("exit_code"),
    output: text("output"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    index("device_commands_device_idx").on(t.deviceId, t.createdAt),
    // The keyset list (newest first, ties by id): src/services/devices/commands.ts listCommands.
    index("device_commands_device_created_id_idx").on(t.deviceId, t.createdAt, t.id),
    index("device_commands_open_idx").on(t.expiresAt).where(sql`${t.status} in ('queued', 'delivered')`),
    check(
      "device_commands_status_check",
      sql`${t.status} in ('queued', 'delivered', 'succeeded', 'failed', 'expired')`,
    ),
  ],
);
