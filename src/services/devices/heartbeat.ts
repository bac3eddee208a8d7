import { Ratelimit } from "@upstash/ratelimit";
import { eq, sql } from "drizzle-orm";
import { deviceCommands, deviceMetrics, devices } from "../../db/schema/index.ts";
import type { DeviceCommandAction } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import { ApiError } from "../../lib/errors.ts";
import type { Redis } from "../../lib/redis.ts";
import { expireCommandsStatement } from "./commands.ts";
import type { LastMetrics } from "./registry.ts";
import { hashDeviceToken } from "./tokens.ts";

/**
 * A device's heartbeat: `Authorization: Device <token>` names the device (found by the token's
 * hash; the path's device_id must be that device's, else the same 401), a per-device budget in
 * Redis, then one transaction: the latest metrics on the device row, a raw sample, results of
 * delivered commands, expiry of overdue ones, and the queued commands handed over (→ delivered).
 */
export const HEARTBEATS_PER_MINUTE = 12;
/** Commands handed over per heartbeat; the rest follow in the next ones. */
export const COMMANDS_PER_HEARTBEAT = 10;

export type HeartbeatInput = {
  metrics: {
    cpu_percent: number;
    ram_used_mb: number;
    ram_total_mb: number;
    disk_used_gb: number;
    disk_total_gb: number;
    temperature_c?: number | null;
    uptime_seconds: number;
    services?: Array<{ name: string; status: string }>;
  };
  agent_version?: string;
  results?: Array<{
    command_id: string;
    status: "succeeded" | "failed";
    exit_code?: number | null;
    output?: string | null;
  }>;
};

export const deviceUnauthorized = () =>
  new ApiError(401, "invalid-device-token", "Missing, revoked or wrong device token (Authorization: Device <token>)", {
    headers: { "WWW-Authenticate": 'Device realm="blackroad-devices"' },
  });

const limiters = new WeakMap<Redis, Ratelimit>();
function limiter(redis: Redis): Ratelimit {
  let rl = limiters.get(redis);
  if (!rl) {
    rl = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(HEARTBEATS_PER_MINUTE, "1 m"),
      prefix: "ratelimit",
      analytics: false,
      ephemeralCache: false,
      timeout: 800,
    });
    limiters.set(redis, rl);
  }
  return rl;
}

/** The device a token belongs to, if its path id matches; else 401 (one answer for every mismatch). */
export async function authenticateDevice(db: Database, token: string | undefined, deviceId: string) {
  if (!token) throw deviceUnauthorized();
  const [row] = await db
    .select({
      id: devices.id,
      userId: devices.userId,
      deviceId: devices.deviceId,
      interval: devices.heartbeatIntervalSeconds,
    })
    .from(devices)
    .where(eq(devices.tokenHash, await hashDeviceToken(token)));
  if (!row || row.deviceId !== deviceId) throw deviceUnauthorized();
  return row;
}

/**
 * Counts one heartbeat against the device's budget (`ratelimit:device-heartbeat:<row id>`): 429
 * over budget. Redis failing lets the heartbeat through (a logged warning): losing a device's
 * metrics to a limiter outage would be worse than one unthrottled minute.
 */
export async function spendHeartbeat(redis: Redis, deviceRowId: number, log: (msg: string) => void): Promise<void> {
  let result: { success: boolean; reset: number; reason?: string };
  try {
    result = await limiter(redis).limit(`device-heartbeat:${deviceRowId}`);
  } catch (err) {
    log(`device heartbeat limiter unavailable: ${err instanceof Error ? err.message.slice(0, 120) : "error"}`);
    return;
  }
  if (result.reason === "timeout") return log("device heartbeat limiter timed out");
  if (!result.success) {
    const retry = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
    throw new ApiError(
      429,
      "rate-limited",
      `At most ${HEARTBEATS_PER_MINUTE} heartbeats a minute per device; retry in ${retry} s`,
      { headers: { "Retry-After": String(retry) } },
    );
  }
}

const pct = (used: number, total: number) => (total > 0 ? Math.round((used / total) * 1000) / 10 : 0);

export async function recordHeartbeat(db: Database, device: { id: number }, input: HeartbeatInput) {
  const m = input.metrics;
  const last: LastMetrics = {
    cpu_percent: m.cpu_percent,
    ram_percent: pct(m.ram_used_mb, m.ram_total_mb),
    disk_percent: pct(m.disk_used_gb, m.disk_total_gb),
    temperature_c: m.temperature_c ?? null,
    ram_used_mb: m.ram_used_mb,
    ram_total_mb: m.ram_total_mb,
    disk_used_gb: m.disk_used_gb,
    disk_total_gb: m.disk_total_gb,
    uptime_seconds: m.uptime_seconds,
    services: m.services ?? [],
  };
  const results = (input.results ?? []).map((r) => ({
    command_id: r.command_id,
    status: r.status,
    exit_code: r.exit_code ?? null,
    output: r.output ?? null,
  }));
  const [, , , acknowledged, delivered] = await db.batch([
    db
      .update(devices)
      .set({
        lastSeenAt: sql`now()`,
        lastMetrics: last,
        ...(input.agent_version ? { agentVersion: input.agent_version } : {}),
      })
      .where(eq(devices.id, device.id)),
    db.insert(deviceMetrics).values({
      deviceId: device.id,
      cpuPercent: last.cpu_percent,
      ramPercent: last.ram_percent,
      diskPercent: last.disk_percent,
      temperatureC: last.temperature_c,
    }),
    expireCommandsStatement(db, device.id),
    // Results count only for this device's commands that were handed over and are not finished.
    db.execute<{ id: string }>(sql`
      update ${deviceCommands} c set status = r.status, exit_code = r.exit_code, output = r.output, completed_at = now()
      from jsonb_to_recordset(${JSON.stringify(results)}::jsonb) as r(command_id uuid, status text, exit_code integer, output text)
      where c.id = r.command_id and c.device_id = ${device.id} and c.status = 'delivered'
      returning c.id`),
    db.execute<{ id: string; action: string; target: string; created_at: string; expires_at: string }>(sql`
      update ${deviceCommands} set status = 'delivered', delivered_at = now()
      where id in (select id from ${deviceCommands} where device_id = ${device.id} and status = 'queued' and expires_at >= now()
                   order by created_at, id limit ${COMMANDS_PER_HEARTBEAT} for update)
      returning id, action, target, created_at, expires_at`),
  ]);
  const commands = delivered.rows
    .map((c) => ({
      id: c.id,
      action: c.action as DeviceCommandAction,
      target: c.target,
      created_at: new Date(c.created_at).toISOString(),
      expires_at: new Date(c.expires_at).toISOString(),
    }))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { commands, acknowledged: acknowledged.rows.map((r) => r.id) };
}
