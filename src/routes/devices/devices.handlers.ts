import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import { commandJson, listCommands as listDeviceCommands, queueCommand } from "../../services/devices/commands.ts";
import { authenticateDevice, recordHeartbeat, spendHeartbeat } from "../../services/devices/heartbeat.ts";
import { metricsHistory } from "../../services/devices/metrics.ts";
import * as registry from "../../services/devices/registry.ts";
import { deviceTokenFrom } from "../../services/devices/tokens.ts";
import type { AppRouteHandler } from "../../types.ts";
import { setNextPage } from "../keyset.ts";
import { auditLater } from "../request-kit.ts";
import type * as routes from "./devices.routes.ts";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const q = c.req.valid("query");
  const rows = await registry.listDevices(c.var.services.db, getAuth(c).userId, q.skip, q.limit, q.after);
  setNextPage(c, rows, q.limit, (d) => d.deviceId, "after");
  return c.json(rows.map(registry.deviceJson), 200);
};

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const b = c.req.valid("json");
  const { device, token } = await registry.registerDevice(c.var.services.db, getAuth(c).userId, b.device_id, {
    name: b.name,
    kind: b.kind,
    tags: b.tags,
    description: b.description,
    heartbeatIntervalSeconds: b.heartbeat_interval_seconds,
  });
  auditLater(c, "device.registered", { device_id: device.deviceId });
  return c.json({ ...registry.deviceJson(device), device_token: token }, 201);
};

export const stats: AppRouteHandler<typeof routes.stats> = async (c) =>
  c.json(await registry.deviceStats(c.var.services.db, getAuth(c).userId), 200);

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(
    registry.deviceJson(await registry.getDevice(c.var.services.db, getAuth(c).userId, c.req.valid("param").device_id)),
    200,
  );

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const b = c.req.valid("json");
  const row = await registry.updateDevice(c.var.services.db, getAuth(c).userId, c.req.valid("param").device_id, {
    name: b.name,
    kind: b.kind,
    tags: b.tags,
    description: b.description,
    heartbeatIntervalSeconds: b.heartbeat_interval_seconds,
  });
  return c.json(registry.deviceJson(row), 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { device_id } = c.req.valid("param");
  await registry.deleteDevice(c.var.services.db, getAuth(c).userId, device_id);
  auditLater(c, "device.deleted", { device_id });
  return c.body(null, 204);
};

export const rotateToken: AppRouteHandler<typeof routes.rotateToken> = async (c) => {
  const { device, token } = await registry.rotateToken(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").device_id,
  );
  auditLater(c, "device.token_rotated", { device_id: device.deviceId });
  return c.json({ ...registry.deviceJson(device), device_token: token }, 200);
};

export const revokeToken: AppRouteHandler<typeof routes.revokeToken> = async (c) => {
  const { device_id } = c.req.valid("param");
  await registry.revokeToken(c.var.services.db, getAuth(c).userId, device_id);
  auditLater(c, "device.token_revoked", { device_id });
  return c.body(null, 204);
};

/** Validation first (a 422 names the bad field), then the device token, then the device's budget. */
export const heartbeat: AppRouteHandler<typeof routes.heartbeat> = async (c) => {
  const { device_id } = c.req.valid("param");
  const body = c.req.valid("json");
  const db = c.var.services.db;
  const device = await authenticateDevice(db, deviceTokenFrom(c.req.header("Authorization")), device_id);
  await spendHeartbeat(c.var.services.redis, device.id, (msg) =>
    console.warn(JSON.stringify({ level: "warn", msg, request_id: c.var.requestId })),
  );
  const { commands, acknowledged } = await recordHeartbeat(db, device, body);
  return c.json(
    {
      device_id,
      status: "online" as const,
      next_heartbeat_seconds: device.interval,
      commands,
      acknowledged_results: acknowledged,
    },
    200,
  );
};

export const history: AppRouteHandler<typeof routes.history> = async (c) => {
  const q = c.req.valid("query");
  return c.json(
    await metricsHistory(c.var.services.db, getAuth(c).userId, c.req.valid("param").device_id, {
      from: q.from,
      to: q.to,
      stepSeconds: q.step,
    }),
    200,
  );
};

export const createCommand: AppRouteHandler<typeof routes.createCommand> = async (c) => {
  const { device_id } = c.req.valid("param");
  const b = c.req.valid("json");
  const row = await queueCommand(c.var.services.db, getAuth(c).userId, device_id, {
    action: b.action,
    target: b.target,
    expiresInSeconds: b.expires_in_seconds,
  });
  auditLater(c, "device.command_queued", { device_id, command_id: row.id, action: row.action });
  return c.json(commandJson(row), 201);
};

export const listCommands: AppRouteHandler<typeof routes.listCommands> = async (c) => {
  const q = c.req.valid("query");
  const { rows, total } = await listDeviceCommands(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").device_id,
    q,
  );
  setNextPage(c, rows, q.limit, (r) => encodeTimeCursor({ at: r.cursorAt, id: r.id }));
  return c.json({ commands: rows.map(commandJson), total }, 200);
};
