import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deviceCommands, deviceMetrics, deviceMetricsHourly, devices } from "../../src/db/schema/index.ts";
import worker from "../../src/index.ts";
import type { CommandView } from "../../src/services/devices/commands.ts";
import { HEARTBEATS_PER_MINUTE } from "../../src/services/devices/heartbeat.ts";
import type { DeviceView } from "../../src/services/devices/registry.ts";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { awayFromWindowEdge, testDb } from "../helpers/auth.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Registered = DeviceView & { device_token: string };
type Beat = {
  commands: Array<{ id: string; action: string; target: string }>;
  acknowledged_results: string[];
  next_heartbeat_seconds: number;
};

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const METRICS = {
  cpu_percent: 20,
  ram_used_mb: 1000,
  ram_total_mb: 4000,
  disk_used_gb: 10,
  disk_total_gb: 40,
  temperature_c: 50,
  uptime_seconds: 3600,
  services: [{ name: "nginx", status: "running" }],
};

async function register(u: TestUser, body: Record<string, unknown> = {}): Promise<Registered> {
  return ok<Registered>(
    await api("/api/devices", {
      method: "POST",
      headers: u.headers,
      json: { device_id: unique("pi-"), name: "Test Pi", kind: "raspberry_pi", ...body },
    }),
    201,
  );
}

const beat = (deviceId: string, token: string, body: Record<string, unknown> = { metrics: METRICS }) =>
  api(`/api/devices/${deviceId}/heartbeat`, {
    method: "POST",
    headers: { Authorization: `Device ${token}` },
    json: body,
  });

const db = testDb();
async function rowId(u: TestUser, deviceId: string): Promise<number> {
  const [row] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.userId, u.id), eq(devices.deviceId, deviceId)));
  return row!.id;
}

async function runCron(scheduledTime = Date.now()) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime, cron: "7 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("devices: registry, tokens, ownership", () => {
  it("registers a device with a token shown once (stored only as its hash); ids are per owner; others get 404", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const d = await register(a, { device_id: "kitchen-pi", tags: ["home"] });
    expect(d.device_token).toMatch(/^brdev_[A-Za-z0-9_-]{43}$/);
    expect(d).toMatchObject({
      device_id: "kitchen-pi",
      status: "offline",
      last_seen_at: null,
      token: { active: true },
    });
    const [stored] = await db
      .select({ tokenHash: devices.tokenHash })
      .from(devices)
      .where(and(eq(devices.userId, a.id), eq(devices.deviceId, "kitchen-pi")));
    expect(stored!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(d.device_token);

    const again = await ok<DeviceView>(await api("/api/devices/kitchen-pi", { headers: a.headers }));
    expect(again).not.toHaveProperty("device_token");
    expect(JSON.stringify(again)).not.toContain(d.device_token);
    await expectProblem(
      await api("/api/devices", { method: "POST", headers: a.headers, json: { device_id: "kitchen-pi", name: "dup" } }),
      409,
    );
    // Another user may use the same id for their own device, and never sees mine.
    await register(b, { device_id: "kitchen-pi" });
    expect((await ok<DeviceView[]>(await api("/api/devices", { headers: b.headers }))).map((x) => x.name)).toEqual([
      "Test Pi",
    ]);
    const mine = await ok<DeviceView[]>(await api("/api/devices", { headers: a.headers }));
    expect(mine).toHaveLength(1);

    const [c] = (await createUsers(1)) as [TestUser];
    for (const [method, path, json] of [
      ["GET", "/api/devices/kitchen-pi", undefined],
      ["PATCH", "/api/devices/kitchen-pi", { name: "mine now" }],
      ["DELETE", "/api/devices/kitchen-pi", undefined],
      ["POST", "/api/devices/kitchen-pi/token", undefined],
      ["DELETE", "/api/devices/kitchen-pi/token", undefined],
      ["GET", "/api/devices/kitchen-pi/metrics", undefined],
      ["GET", "/api/devices/kitchen-pi/commands", undefined],
      ["POST", "/api/devices/kitchen-pi/commands", { action: "run_action", target: "reboot" }],
    ] as const) {
      await expectProblem(await api(path, { method, headers: c.headers, ...(json ? { json } : {}) }), 404);
    }
    const still = await ok<DeviceView>(await api("/api/devices/kitchen-pi", { headers: a.headers }));
    expect(still).toMatchObject({ name: "Test Pi", token: { active: true } });
    expect(
      (await ok<{ total: number }>(await api("/api/devices/kitchen-pi/commands", { headers: a.headers }))).total,
    ).toBe(0);
  });

  it("validates registration and updates (ids, kinds, tags, intervals, unknown fields)", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    for (const body of [
      { device_id: "Upper", name: "x" },
      { device_id: "stats", name: "x" },
      { device_id: "../x", name: "x" },
      { device_id: "ok-id", name: "x", kind: "toaster" },
      { device_id: "ok-id", name: "x", heartbeat_interval_seconds: 1 },
      { device_id: "ok-id", name: "x", tags: ["a b"] },
      { device_id: "ok-id", name: "x", owner_id: 1 },
      { device_id: "ok-id", name: "\u0007" },
    ]) {
      await expectProblem(await api("/api/devices", { method: "POST", headers: a.headers, json: body }), 422);
    }
    const d = await register(a);
    const patched = await ok<DeviceView>(
      await api(`/api/devices/${d.device_id}`, {
        method: "PATCH",
        headers: a.headers,
        json: { name: "Renamed", tags: ["lab"], heartbeat_interval_seconds: 30 },
      }),
    );
    expect(patched).toMatchObject({ name: "Renamed", tags: ["lab"], heartbeat_interval_seconds: 30 });
    await expectProblem(
      await api(`/api/devices/${d.device_id}`, { method: "PATCH", headers: a.headers, json: { token_hash: "x" } }),
      422,
    );
    await ok(await api(`/api/devices/${d.device_id}`, { method: "DELETE", headers: a.headers }), 204);
    await expectProblem(await api(`/api/devices/${d.device_id}`, { headers: a.headers }), 404);
    await expectProblem(await beat(d.device_id, d.device_token), 401);
  });

  it("heartbeats need the device's own token: none, a user's bearer token, another device's, revoked or rotated-away tokens are 401", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const d = await register(a);
    const other = await register(a);
    await expectProblem(
      await api(`/api/devices/${d.device_id}/heartbeat`, { method: "POST", json: { metrics: METRICS } }),
      401,
    );
    await expectProblem(
      await api(`/api/devices/${d.device_id}/heartbeat`, {
        method: "POST",
        headers: a.headers,
        json: { metrics: METRICS },
      }),
      401,
    );
    await expectProblem(await beat(d.device_id, other.device_token), 401);
    await expectProblem(await beat(d.device_id, `brdev_${"A".repeat(43)}`), 401);
    await ok<Beat>(await beat(d.device_id, d.device_token));

    await ok(await api(`/api/devices/${d.device_id}/token`, { method: "DELETE", headers: a.headers }), 204);
    expect((await ok<DeviceView>(await api(`/api/devices/${d.device_id}`, { headers: a.headers }))).token.active).toBe(
      false,
    );
    await expectProblem(await beat(d.device_id, d.device_token), 401);

    const rotated = await ok<Registered>(
      await api(`/api/devices/${d.device_id}/token`, { method: "POST", headers: a.headers }),
    );
    expect(rotated.device_token).not.toBe(d.device_token);
    await ok<Beat>(await beat(d.device_id, rotated.device_token));
    const again = await ok<Registered>(
      await api(`/api/devices/${d.device_id}/token`, { method: "POST", headers: a.headers }),
    );
    await expectProblem(await beat(d.device_id, rotated.device_token), 401);
    await ok<Beat>(await beat(d.device_id, again.device_token));
  });
});

describe("devices: heartbeats, status and stats", () => {
  it("validates metrics (ranges, RAM/disk used within total, service names, unknown fields) with a 422 naming the field", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const d = await register(a);
    for (const [metrics, path] of [
      [{ ...METRICS, cpu_percent: 150 }, "metrics.cpu_percent"],
      [{ ...METRICS, ram_used_mb: 5000 }, "metrics.ram_used_mb"],
      [{ ...METRICS, disk_used_gb: 41 }, "metrics.disk_used_gb"],
      [{ ...METRICS, temperature_c: 500 }, "metrics.temperature_c"],
      [{ ...METRICS, services: [{ name: "rm -rf /", status: "running" }] }, "metrics.services.0.name"],
      [{ ...METRICS, gpu: 1 }, "metrics"],
    ] as const) {
      const p = await expectProblem(await beat(d.device_id, d.device_token, { metrics }), 422);
      expect(p.errors?.map((e) => e.path)).toContain(path);
    }
    const none = await ok<DeviceView>(await api(`/api/devices/${d.device_id}`, { headers: a.headers }));
    expect(none.last_seen_at).toBeNull();
  });

  it("a heartbeat makes the device online with its metrics; two missed intervals make it offline; stats come from the online devices", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const one = await register(a, { heartbeat_interval_seconds: 30 });
    const two = await register(a);
    await register(a); // never seen
    expect(await ok<Record<string, unknown>>(await api("/api/devices/stats", { headers: a.headers }))).toMatchObject({
      total_devices: 3,
      online_devices: 0,
      offline_devices: 3,
      total_cpu_usage: 0,
      average_temperature: null,
    });

    const answer = await ok<Beat>(
      await beat(one.device_id, one.device_token, { metrics: METRICS, agent_version: "1.2.3" }),
    );
    expect(answer).toEqual({
      device_id: one.device_id,
      status: "online",
      next_heartbeat_seconds: 30,
      commands: [],
      acknowledged_results: [],
    });
    await ok(
      await beat(two.device_id, two.device_token, {
        metrics: { ...METRICS, cpu_percent: 60, ram_used_mb: 3000, temperature_c: 70 },
      }),
    );
    const seen = await ok<DeviceView>(await api(`/api/devices/${one.device_id}`, { headers: a.headers }));
    expect(seen).toMatchObject({
      status: "online",
      agent_version: "1.2.3",
      metrics: {
        cpu_percent: 20,
        ram_percent: 25,
        disk_percent: 25,
        temperature_c: 50,
        services: [{ name: "nginx", status: "running" }],
      },
    });
    expect(await ok(await api("/api/devices/stats", { headers: a.headers }))).toEqual({
      total_devices: 3,
      online_devices: 2,
      offline_devices: 1,
      total_cpu_usage: 80,
      total_ram_usage: 100,
      average_cpu_usage: 40,
      average_ram_usage: 50,
      average_temperature: 60,
    });

    // Time passes: 59 s after the last beat (two intervals are 60 s) it is still online; at 61 s offline.
    const id = await rowId(a, one.device_id);
    await db.update(devices).set({ lastSeenAt: sql`now() - interval '59 seconds'` }).where(eq(devices.id, id));
    expect((await ok<DeviceView>(await api(`/api/devices/${one.device_id}`, { headers: a.headers }))).status).toBe(
      "online",
    );
    await db.update(devices).set({ lastSeenAt: sql`now() - interval '61 seconds'` }).where(eq(devices.id, id));
    expect((await ok<DeviceView>(await api(`/api/devices/${one.device_id}`, { headers: a.headers }))).status).toBe(
      "offline",
    );
    expect(await ok(await api("/api/devices/stats", { headers: a.headers }))).toMatchObject({
      online_devices: 1,
      offline_devices: 2,
      total_cpu_usage: 60,
      average_temperature: 70,
    });
  });

  it(`limits heartbeats per device: ${HEARTBEATS_PER_MINUTE} a minute, then 429 with Retry-After; another device is not affected`, async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const d = await register(a);
    const other = await register(a);
    await awayFromWindowEdge(60_000, 15_000);
    for (let i = 0; i < HEARTBEATS_PER_MINUTE; i++) await ok(await beat(d.device_id, d.device_token));
    const res = await beat(d.device_id, d.device_token);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectProblem(res, 429);
    await ok(await beat(other.device_id, other.device_token));
  });
});

describe("devices: commands", () => {
  it("queues allow-listed commands only, delivers them once in a heartbeat, records results, and expires overdue ones", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const d = await register(a);
    const other = await register(a);
    const post = (json: unknown) =>
      api(`/api/devices/${d.device_id}/commands`, { method: "POST", headers: a.headers, json });
    for (const bad of [
      { action: "shell", target: "ls" },
      { action: "run_action", target: "rm-rf" },
      { action: "restart_service", target: "nginx; rm -rf /" },
      { action: "deploy_version", target: "latest" },
      { action: "run_action", target: "reboot", expires_in_seconds: 5 },
    ]) {
      await expectProblem(await post(bad), 422);
    }
    const restart = await ok<CommandView>(await post({ action: "restart_service", target: "nginx" }), 201);
    const deploy = await ok<CommandView>(await post({ action: "deploy_version", target: "1.4.2" }), 201);
    const doomed = await ok<CommandView>(
      await post({ action: "run_action", target: "collect_logs", expires_in_seconds: 60 }),
      201,
    );
    expect(restart).toMatchObject({ status: "queued", delivered_at: null, exit_code: null });
    // Time passes for one of them before the device calls.
    await db
      .update(deviceCommands)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(deviceCommands.id, doomed.id));

    const first = await ok<Beat>(await beat(d.device_id, d.device_token));
    expect(first.commands.map((c) => [c.id, c.action, c.target])).toEqual([
      [restart.id, "restart_service", "nginx"],
      [deploy.id, "deploy_version", "1.4.2"],
    ]);
    expect((await ok<Beat>(await beat(d.device_id, d.device_token))).commands).toEqual([]); // delivered once
    const listed = await ok<{ commands: CommandView[] }>(
      await api(`/api/devices/${d.device_id}/commands`, { headers: a.headers }),
    );
    expect(Object.fromEntries(listed.commands.map((c) => [c.id, c.status]))).toEqual({
      [restart.id]: "delivered",
      [deploy.id]: "delivered",
      [doomed.id]: "expired",
    });

    // Results: only for this device's delivered commands; another device cannot report them.
    const fake = { command_id: restart.id, status: "failed", exit_code: 1, output: "forged" };
    expect(
      (await ok<Beat>(await beat(other.device_id, other.device_token, { metrics: METRICS, results: [fake] })))
        .acknowledged_results,
    ).toEqual([]);
    const reported = await ok<Beat>(
      await beat(d.device_id, d.device_token, {
        metrics: METRICS,
        results: [
          { command_id: restart.id, status: "succeeded", exit_code: 0, output: "restarted nginx" },
          { command_id: deploy.id, status: "failed", exit_code: 2, output: "no such version" },
          { command_id: doomed.id, status: "succeeded", exit_code: 0 },
        ],
      }),
    );
    expect(reported.acknowledged_results.sort()).toEqual([restart.id, deploy.id].sort());
    // A second report of a finished command changes nothing.
    await ok(
      await beat(d.device_id, d.device_token, {
        metrics: METRICS,
        results: [{ command_id: restart.id, status: "failed", exit_code: 9 }],
      }),
    );
    const done = await ok<{ commands: CommandView[]; total: number }>(
      await api(`/api/devices/${d.device_id}/commands?status=succeeded`, { headers: a.headers }),
    );
    expect(done.total).toBe(1);
    expect(done.commands[0]).toMatchObject({
      id: restart.id,
      status: "succeeded",
      exit_code: 0,
      output: "restarted nginx",
    });
    expect(done.commands[0]!.completed_at).not.toBeNull();
    const failed = await ok<{ commands: CommandView[] }>(
      await api(`/api/devices/${d.device_id}/commands?status=failed`, { headers: a.headers }),
    );
    expect(failed.commands.map((c) => [c.id, c.exit_code, c.output])).toEqual([[deploy.id, 2, "no such version"]]);
  });
});

describe("devices: metrics history and retention (scheduled job)", () => {
  it("serves raw samples binned by step for the last 48 h; the cron job rolls complete hours up, prunes raw after 48 h and roll-ups after 30 days", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const d = await register(a);
    const id = await rowId(a, d.device_id);
    const HOUR = 3_600_000;
    const now = Date.now();
    const hourStart = Math.floor(now / HOUR) * HOUR;
    const at = (ms: number) => new Date(ms);
    const sample = (ms: number, cpu: number, temp: number | null = 40) => ({
      deviceId: id,
      at: at(ms),
      cpuPercent: cpu,
      ramPercent: 50,
      diskPercent: 10,
      temperatureC: temp,
    });
    const twoHoursAgo = hourStart - 2 * HOUR;
    await db.insert(deviceMetrics).values([
      sample(twoHoursAgo + 60_000, 10, 40),
      sample(twoHoursAgo + 120_000, 30, 60),
      sample(twoHoursAgo + 30 * 60_000, 50, null),
      sample(hourStart - 50 * HOUR, 99), // past the raw retention
    ]);
    await db.insert(deviceMetricsHourly).values([
      { deviceId: id, hour: at(hourStart - 31 * 24 * HOUR), samples: 1, cpuAvg: 1, cpuMax: 1, ramAvg: 1, diskAvg: 1 }, // past the roll-up retention
      {
        deviceId: id,
        hour: at(hourStart - 29 * 24 * HOUR),
        samples: 4,
        cpuAvg: 5,
        cpuMax: 9,
        ramAvg: 1,
        diskAvg: 1,
        temperatureAvg: 30,
        temperatureMax: 35,
      },
    ]);

    // Raw history over the last 3 hours by 10-minute steps.
    const from = new Date(hourStart - 3 * HOUR).toISOString();
    const raw = await ok<{
      resolution: string;
      step_seconds: number;
      points: Array<Record<string, number | string | null>>;
    }>(await api(`/api/devices/${d.device_id}/metrics?from=${from}&step=600`, { headers: a.headers }));
    expect(raw.resolution).toBe("raw");
    expect(raw.points).toEqual([
      {
        t: at(twoHoursAgo).toISOString(),
        samples: 2,
        cpu_percent: 20,
        cpu_max: 30,
        ram_percent: 50,
        disk_percent: 10,
        temperature_c: 50,
        temperature_max: 60,
      },
      {
        t: at(twoHoursAgo + 30 * 60_000).toISOString(),
        samples: 1,
        cpu_percent: 50,
        cpu_max: 50,
        ram_percent: 50,
        disk_percent: 10,
        temperature_c: null,
        temperature_max: null,
      },
    ]);
    await expectProblem(
      await api(
        `/api/devices/${d.device_id}/metrics?from=${from}&step=60&to=${new Date(hourStart + 20 * HOUR).toISOString()}`,
        { headers: a.headers },
      ),
      422,
    );
    await expectProblem(
      await api(`/api/devices/${d.device_id}/metrics?from=${new Date(now).toISOString()}&to=${from}`, {
        headers: a.headers,
      }),
      422,
    );
    await expectProblem(await api(`/api/devices/${d.device_id}/metrics?from=yesterday`, { headers: a.headers }), 422);
    await expectProblem(await api(`/api/devices/${d.device_id}/metrics`, { headers: b.headers }), 404);

    await runCron(now);
    const hourly = await db
      .select()
      .from(deviceMetricsHourly)
      .where(eq(deviceMetricsHourly.deviceId, id))
      .orderBy(deviceMetricsHourly.hour);
    expect(
      hourly.map((h) => [h.hour.getTime(), h.samples, h.cpuAvg, h.cpuMax, h.temperatureAvg, h.temperatureMax]),
    ).toEqual([
      [hourStart - 29 * 24 * HOUR, 4, 5, 9, 30, 35],
      [twoHoursAgo, 3, 30, 50, 50, 60],
    ]);
    const left = await db.select({ at: deviceMetrics.at }).from(deviceMetrics).where(eq(deviceMetrics.deviceId, id));
    expect(left).toHaveLength(3); // the 50-hour-old sample is gone
    await runCron(now); // idempotent
    expect(await db.select().from(deviceMetricsHourly).where(eq(deviceMetricsHourly.deviceId, id))).toHaveLength(2);

    // Older ranges come from the roll-ups (weighted by samples), whole hours per step.
    const long = await ok<{ resolution: string; step_seconds: number; points: Array<Record<string, unknown>> }>(
      await api(
        `/api/devices/${d.device_id}/metrics?from=${new Date(hourStart - 30 * 24 * HOUR).toISOString()}&step=3000`,
        { headers: a.headers },
      ),
    );
    expect(long.resolution).toBe("hourly");
    expect(long.step_seconds).toBe(3600);
    expect(long.points.map((p) => [p.t, p.samples, p.cpu_percent, p.temperature_c])).toEqual([
      [at(hourStart - 29 * 24 * HOUR).toISOString(), 4, 5, 30],
      [at(twoHoursAgo).toISOString(), 3, 30, 50],
    ]);
  });

  it("after the trigger was down for a day, the next run rolls up every hour since each device's last roll-up", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const [seen, fresh] = [await register(a), await register(a)];
    const [seenId, freshId] = [await rowId(a, seen.device_id), await rowId(a, fresh.device_id)];
    const HOUR = 3_600_000;
    const now = Date.now();
    const hourStart = Math.floor(now / HOUR) * HOUR;
    const sample = (deviceId: number, ms: number) => ({
      deviceId,
      at: new Date(ms),
      cpuPercent: 20,
      ramPercent: 50,
      diskPercent: 10,
      temperatureC: 40,
    });
    // `seen` was last rolled up 30 h ago; `fresh` never was. Both have samples from 20 h ago.
    await db.insert(deviceMetricsHourly).values({
      deviceId: seenId,
      hour: new Date(hourStart - 30 * HOUR),
      samples: 1,
      cpuAvg: 1,
      cpuMax: 1,
      ramAvg: 1,
      diskAvg: 1,
    });
    await db
      .insert(deviceMetrics)
      .values([sample(seenId, hourStart - 20 * HOUR + 60_000), sample(freshId, hourStart - 20 * HOUR + 60_000)]);
    await runCron(now);
    for (const id of [seenId, freshId]) {
      const hours = await db
        .select({ hour: deviceMetricsHourly.hour })
        .from(deviceMetricsHourly)
        .where(eq(deviceMetricsHourly.deviceId, id));
      expect(hours.map((h) => h.hour.getTime())).toContain(hourStart - 20 * HOUR);
    }
  });

  it("the scheduled job expires overdue commands of devices that went quiet", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const d = await register(a);
    const cmd = await ok<CommandView>(
      await api(`/api/devices/${d.device_id}/commands`, {
        method: "POST",
        headers: a.headers,
        json: { action: "run_action", target: "ping" },
      }),
      201,
    );
    await db
      .update(deviceCommands)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(deviceCommands.id, cmd.id));
    await runCron();
    const [row] = await db
      .select({ status: deviceCommands.status })
      .from(deviceCommands)
      .where(eq(deviceCommands.id, cmd.id));
    expect(row!.status).toBe("expired");
  });
});
