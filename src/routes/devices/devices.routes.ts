import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageAfterHeaders, NextPageCursorHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./devices.schemas.ts";

const { user, scheme } = routeKit(
  "Devices",
  "My devices (a Pi, a server, a phone): heartbeats with metrics, online status, history, and a queue of allow-listed commands",
);

/** The device agent's own credential (see registerDocs). */
export const DEVICE_SECURITY: Array<Record<string, string[]>> = [{ deviceToken: [] }];

export const list = user({
  operationId: "listDevices",
  method: "get",
  path: "/api/devices",
  summary: "My devices, by device_id (keyset paging with ?after=<device_id>)",
  request: { query: s.ListQuery },
  responses: { 200: json(z.array(s.DeviceSchema), "Devices", NextPageAfterHeaders), ...problemResponses(422) },
});

export const create = user({
  operationId: "registerDevice",
  method: "post",
  path: "/api/devices",
  summary: "Register a device; the answer carries its token, shown this once",
  request: jsonBody(s.CreateDeviceBody),
  responses: {
    201: json(s.DeviceWithTokenSchema, "The device and its token"),
    ...problemResponses(409, 413, 415, 422),
  },
});

export const stats = user({
  operationId: "getDeviceStats",
  method: "get",
  path: "/api/devices/stats",
  summary: "My fleet: counts online/offline, CPU and RAM totals and averages, average temperature (online devices)",
  responses: { 200: json(s.StatsSchema, "Stats") },
});

export const get = user({
  operationId: "getDevice",
  method: "get",
  path: "/api/devices/{device_id}",
  summary: "One of my devices (404 for anyone else's)",
  request: { params: s.DeviceIdParams },
  responses: { 200: json(s.DeviceSchema, "The device"), ...problemResponses(404, 422) },
});

export const update = user({
  operationId: "updateDevice",
  method: "patch",
  path: "/api/devices/{device_id}",
  summary: "Rename, retag or change the heartbeat interval of a device",
  request: { params: s.DeviceIdParams, ...jsonBody(s.UpdateDeviceBody) },
  responses: { 200: json(s.DeviceSchema, "The device"), ...problemResponses(404, 413, 415, 422) },
});

export const remove = user({
  operationId: "deleteDevice",
  method: "delete",
  path: "/api/devices/{device_id}",
  summary: "Delete a device with its metrics and commands",
  request: { params: s.DeviceIdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
});

export const rotateToken = user({
  operationId: "rotateDeviceToken",
  method: "post",
  path: "/api/devices/{device_id}/token",
  summary: "A new device token (shown once); the old one stops working at once",
  request: { params: s.DeviceIdParams },
  responses: { 200: json(s.DeviceWithTokenSchema, "The device and its new token"), ...problemResponses(404, 422) },
});

export const revokeToken = user({
  operationId: "revokeDeviceToken",
  method: "delete",
  path: "/api/devices/{device_id}/token",
  summary: "Revoke the device's token: heartbeats are refused until a new one is issued",
  request: { params: s.DeviceIdParams },
  responses: { 204: { description: "Revoked" }, ...problemResponses(404, 422) },
});

export const heartbeat = scheme(DEVICE_SECURITY)({
  operationId: "deviceHeartbeat",
  method: "post",
  path: "/api/devices/{device_id}/heartbeat",
  summary: "The device reports its metrics and results and receives its queued commands",
  description:
    "Sent by the device agent (`scripts/device-agent.mjs`) with `Authorization: Device <token>`, not a user's token. " +
    "At most 12 a minute per device (429 with Retry-After).",
  request: { params: s.DeviceIdParams, ...jsonBody(s.HeartbeatBody) },
  responses: { 200: json(s.HeartbeatResponse, "Recorded; commands to run"), ...problemResponses(413, 415, 422) },
});

export const history = user({
  operationId: "getDeviceMetricsHistory",
  method: "get",
  path: "/api/devices/{device_id}/metrics",
  summary:
    "Metrics over time for a chart: averages per step (raw samples for the last 48 h, hourly roll-ups for 30 days)",
  request: { params: s.DeviceIdParams, query: s.HistoryQuery },
  responses: {
    200: json(s.HistorySchema, "Points, oldest first; steps without samples are left out"),
    ...problemResponses(404, 422),
  },
});

export const createCommand = user({
  operationId: "queueDeviceCommand",
  method: "post",
  path: "/api/devices/{device_id}/commands",
  summary: "Queue an allow-listed command for the device (delivered in its next heartbeat)",
  request: { params: s.DeviceIdParams, ...jsonBody(s.CreateCommandBody) },
  responses: { 201: json(s.CommandSchema, "Queued"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const listCommands = user({
  operationId: "listDeviceCommands",
  method: "get",
  path: "/api/devices/{device_id}/commands",
  summary: "The device's commands with their status, newest first (keyset paging with ?before)",
  request: { params: s.DeviceIdParams, query: s.CommandListQuery },
  responses: { 200: json(s.CommandListSchema, "Commands", NextPageCursorHeaders), ...problemResponses(404, 422) },
});
