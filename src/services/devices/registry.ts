import { and, asc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import { devices } from "../../db/schema/index.ts";
import { type Database, isUniqueViolation } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { hashDeviceToken, newDeviceToken } from "./tokens.ts";

/**
 * The device registry: each device its owner's (every query filters on `user_id`, so another
 * user's device is a 404 that says nothing about its existence), with its token's hash and the
 * latest heartbeat. A device is online while its last heartbeat is younger than twice its interval.
 */
export type DeviceInput = {
  name: string;
  kind: string;
  tags: string[];
  description?: string | null;
  heartbeatIntervalSeconds: number;
};
export type DeviceRow = typeof devices.$inferSelect & { online: boolean };

/** The device's last metrics, as the heartbeat stored them (see heartbeat.ts). */
export type LastMetrics = {
  cpu_percent: number;
  ram_percent: number;
  disk_percent: number;
  temperature_c: number | null;
  ram_used_mb: number;
  ram_total_mb: number;
  disk_used_gb: number;
  disk_total_gb: number;
  uptime_seconds: number;
  services: Array<{ name: string; status: string }>;
};

export const deviceNotFound = () => notFound("Device not found");

/** Online: a heartbeat within the last two intervals (one missed beat is tolerated, two are not). */
export const onlineSql = sql<boolean>`coalesce(${devices.lastSeenAt} >= now() - make_interval(secs => 2 * ${devices.heartbeatIntervalSeconds}), false)`;

const withOnline = { ...getTableColumns(devices), online: onlineSql };

const mine = (userId: number, deviceId: string) => and(eq(devices.userId, userId), eq(devices.deviceId, deviceId));

/** Registers a device; returns it and its token (shown this once). 409 if the id is taken (mine only). */
export async function registerDevice(
  db: Database,
  userId: number,
  deviceId: string,
  input: DeviceInput,
): Promise<{ device: DeviceRow; token: string }> {
  const token = newDeviceToken();
  try {
    await db.insert(devices).values({
      userId,
      deviceId,
      name: input.name,
      kind: input.kind,
      tags: input.tags,
      description: input.description ?? null,
      heartbeatIntervalSeconds: input.heartbeatIntervalSeconds,
      tokenHash: await hashDeviceToken(token),
      tokenIssuedAt: sql`now()`,
    });
  } catch (err) {
    if (isUniqueViolation(err, "devices_user_device_id_key"))
      throw conflict(`Device with this ID already exists: ${deviceId}`, "device-exists");
    throw err;
  }
  return { device: await getDevice(db, userId, deviceId), token };
}

export async function getDevice(db: Database, userId: number, deviceId: string): Promise<DeviceRow> {
  const [row] = await db.select(withOnline).from(devices).where(mine(userId, deviceId));
  if (!row) throw deviceNotFound();
  return row;
}

/**
 * My devices by device_id. `after` (a device_id) is the keyset cursor, on devices_user_device_id_key:
 * devices registered or removed meanwhile neither repeat nor hide one.
 */
export async function listDevices(
  db: Database,
  userId: number,
  skip: number,
  limit: number,
  after?: string,
): Promise<DeviceRow[]> {
  return db
    .select(withOnline)
    .from(devices)
    .where(and(eq(devices.userId, userId), after === undefined ? undefined : gt(devices.deviceId, after)))
    .orderBy(asc(devices.deviceId))
    .limit(limit)
    .offset(skip);
}

export async function updateDevice(
  db: Database,
  userId: number,
  deviceId: string,
  patch: Partial<DeviceInput>,
): Promise<DeviceRow> {
  const set: Partial<typeof devices.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.kind !== undefined) set.kind = patch.kind;
  if (patch.tags !== undefined) set.tags = patch.tags;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.heartbeatIntervalSeconds !== undefined) set.heartbeatIntervalSeconds = patch.heartbeatIntervalSeconds;
  const [row] = await db
    .update(devices)
    .set({ ...set, updatedAt: sql`now()` })
    .where(mine(userId, deviceId))
    .returning({ id: devices.id });
  if (!row) throw deviceNotFound();
  return getDevice(db, userId, deviceId);
}

/** Deletes the device with its metrics and commands (cascade). */
export async function deleteDevice(db: Database, userId: number, deviceId: string): Promise<number> {
  const [row] = await db.delete(devices).where(mine(userId, deviceId)).returning({ id: devices.id });
  if (!row) throw deviceNotFound();
  return row.id;
}

/** A new token; the old one stops working in the same statement. */
export async function rotateToken(
  db: Database,
  userId: number,
  deviceId: string,
): Promise<{ device: DeviceRow; token: string }> {
  const token = newDeviceToken();
  const [row] = await db
    .update(devices)
    .set({ tokenHash: await hashDeviceToken(token), tokenIssuedAt: sql`now()`, updatedAt: sql`now()` })
    .where(mine(userId, deviceId))
    .returning({ id: devices.id });
  if (!row) throw deviceNotFound();
  return { device: await getDevice(db, userId, deviceId), token };
}

/** No token at all: every heartbeat is refused until the owner rotates a new one. */
export async function revokeToken(db: Database, userId: number, deviceId: string): Promise<void> {
  const [row] = await db
    .update(devices)
    .set({ tokenHash: null, tokenIssuedAt: null, updatedAt: sql`now()` })
    .where(mine(userId, deviceId))
    .returning({ id: devices.id });
  if (!row) throw deviceNotFound();
}

/** The owner's fleet at a glance, from each device's latest heartbeat (online devices only for the sums). */
export async function deviceStats(db: Database, userId: number) {
  const rows = await db
    .select({ online: onlineSql, metrics: devices.lastMetrics })
    .from(devices)
    .where(eq(devices.userId, userId));
  const online = rows.filter((r) => r.online && r.metrics).map((r) => r.metrics as LastMetrics);
  const sum = (f: (m: LastMetrics) => number) => online.reduce((a, m) => a + f(m), 0);
  const temps = online.map((m) => m.temperature_c).filter((t): t is number => typeof t === "number");
  const round = (n: number) => Math.round(n * 10) / 10;
  const onlineCount = rows.filter((r) => r.online).length;
  return {
    total_devices: rows.length,
    online_devices: onlineCount,
    offline_devices: rows.length - onlineCount,
    total_cpu_usage: round(sum((m) => m.cpu_percent)),
    total_ram_usage: round(sum((m) => m.ram_percent)),
    average_cpu_usage: online.length ? round(sum((m) => m.cpu_percent) / online.length) : null,
    average_ram_usage: online.length ? round(sum((m) => m.ram_percent) / online.length) : null,
    average_temperature: temps.length ? round(temps.reduce((a, b) => a + b, 0) / temps.length) : null,
  };
}

export const deviceJson = (d: DeviceRow) => ({
  device_id: d.deviceId,
  name: d.name,
  kind: d.kind,
  tags: d.tags,
  description: d.description,
  heartbeat_interval_seconds: d.heartbeatIntervalSeconds,
  status: d.online ? ("online" as const) : ("offline" as const),
  last_seen_at: d.lastSeenAt?.toISOString() ?? null,
  metrics: (d.lastMetrics as LastMetrics | null) ?? null,
  agent_version: d.agentVersion,
  token: { active: d.tokenHash !== null, issued_at: d.tokenIssuedAt?.toISOString() ?? null },
  created_at: d.createdAt.toISOString(),
  updated_at: d.updatedAt.toISOString(),
});
export type DeviceView = ReturnType<typeof deviceJson>;
