import { sql } from "drizzle-orm";
import { deviceMetrics, deviceMetricsHourly, devices } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { unprocessable } from "../../lib/errors.ts";
import { expireCommandsStatement } from "./commands.ts";
import { getDevice } from "./registry.ts";

/**
 * Metrics over time. Raw samples (one per heartbeat) are kept RAW_RETENTION_HOURS; the scheduled
 * job (hourly, wrangler.toml `[triggers]`) rolls each complete hour up into `device_metrics_hourly`
 * (kept HOURLY_RETENTION_DAYS) and then deletes raw samples older than the retention, always at an
 * hour boundary, so an hour is never rolled up from half its samples. Each run recomputes, per device,
 * the last ROLLUP_LOOKBACK_HOURS complete hours (idempotent upserts: late samples are counted) or, when
 * runs were missed for longer, everything since that device's last roll-up — so no hour of raw data is
 * ever pruned without having been rolled up, however long the trigger was down.
 *
 * History answers from raw samples while the whole range is within their retention, otherwise from
 * the roll-ups (complete hours only; the step is then a whole number of hours).
 */
export const RAW_RETENTION_HOURS = 48;
export const HOURLY_RETENTION_DAYS = 30;
export const ROLLUP_LOOKBACK_HOURS = 6;
export const MAX_POINTS = 1000;
const HOUR_MS = 3_600_000;
/** date_bin's origin: bins fall on whole UTC hours whatever the session's time zone. */
const ORIGIN = sql.raw(`timestamptz '2000-01-01 00:00:00+00'`);

export type HistoryPoint = {
  t: string;
  samples: number;
  cpu_percent: number;
  cpu_max: number;
  ram_percent: number;
  disk_percent: number;
  temperature_c: number | null;
  temperature_max: number | null;
};

type Bin = {
  t: string;
  samples: string | number;
  cpu: number;
  cpu_max: number;
  ram: number;
  disk: number;
  temp: number | null;
  temp_max: number | null;
};
const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

export async function metricsHistory(
  db: Database,
  userId: number,
  deviceId: string,
  q: { from?: Date; to?: Date; stepSeconds?: number },
  now = new Date(),
) {
  const device = await getDevice(db, userId, deviceId);
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - HOUR_MS);
  if (from >= to) throw unprocessable("from must be before to", [{ path: "from", message: "must be before to" }]);
  if (to.getTime() - from.getTime() > (HOURLY_RETENTION_DAYS + 1) * 24 * HOUR_MS) {
    throw unprocessable(`The range may span at most ${HOURLY_RETENTION_DAYS + 1} days`, [
      { path: "from", message: "range too long" },
    ]);
  }
  const raw = from.getTime() >= now.getTime() - RAW_RETENTION_HOURS * HOUR_MS;
  let step = q.stepSeconds ?? (raw ? 60 : 3600);
  if (!raw) step = Math.ceil(step / 3600) * 3600;
  if ((to.getTime() - from.getTime()) / (step * 1000) > MAX_POINTS) {
    throw unprocessable(`At most ${MAX_POINTS} points: use a larger step or a shorter range`, [
      { path: "step", message: "too many points" },
    ]);
  }
  const bin = (column: unknown) => sql`date_bin(make_interval(secs => ${step}), ${column}, ${ORIGIN})`;
  const result = raw
    ? await db.execute<Bin>(sql`
        select ${bin(deviceMetrics.at)} as t, count(*) as samples, avg(cpu_percent) as cpu, max(cpu_percent) as cpu_max,
               avg(ram_percent) as ram, avg(disk_percent) as disk, avg(temperature_c) as temp, max(temperature_c) as temp_max
        from ${deviceMetrics} where device_id = ${device.id} and at >= ${from.toISOString()} and at < ${to.toISOString()}
        group by 1 order by 1`)
    : await db.execute<Bin>(sql`
        select ${bin(deviceMetricsHourly.hour)} as t, sum(samples) as samples, sum(cpu_avg * samples) / sum(samples) as cpu, max(cpu_max) as cpu_max,
               sum(ram_avg * samples) / sum(samples) as ram, sum(disk_avg * samples) / sum(samples) as disk,
               sum(temperature_avg * samples) / nullif(sum(samples) filter (where temperature_avg is not null), 0) as temp, max(temperature_max) as temp_max
        from ${deviceMetricsHourly} where device_id = ${device.id} and hour >= ${new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS).toISOString()} and hour < ${to.toISOString()}
        group by 1 order by 1`);
  const points: HistoryPoint[] = result.rows.map((r) => ({
    t: new Date(r.t).toISOString(),
    samples: Number(r.samples),
    cpu_percent: num(r.cpu)!,
    cpu_max: num(r.cpu_max)!,
    ram_percent: num(r.ram)!,
    disk_percent: num(r.disk)!,
    temperature_c: num(r.temp),
    temperature_max: num(r.temp_max),
  }));
  return {
    device_id: deviceId,
    from: from.toISOString(),
    to: to.toISOString(),
    step_seconds: step,
    resolution: raw ? ("raw" as const) : ("hourly" as const),
    points,
  };
}

const countOf = (r: { rows: Array<{ n: string | number }> }) => Number(r.rows[0]?.n ?? 0);

/**
 * The retention job (run by the Cron Trigger; `now` is the trigger's scheduled time): roll-ups of
 * the recent complete hours, then the raw samples and roll-ups past their retention deleted, and
 * overdue commands of every device expired. One transaction.
 */
export async function rollUpAndPrune(db: Database, now: Date) {
  const boundary = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const rawCutoff = new Date(boundary - RAW_RETENTION_HOURS * HOUR_MS).toISOString();
  const lookbackFrom = new Date(boundary - ROLLUP_LOOKBACK_HOURS * HOUR_MS).toISOString();
  const hourlyCutoff = new Date(boundary - HOURLY_RETENTION_DAYS * 24 * HOUR_MS).toISOString();
  const end = new Date(boundary).toISOString();
  const [rolled, raw, hourly, expired] = await db.batch([
    db.execute<{ n: number }>(sql`
      with up as (
        insert into ${deviceMetricsHourly} (device_id, hour, samples, cpu_avg, cpu_max, ram_avg, disk_avg, temperature_avg, temperature_max)
        select device_id, date_bin('1 hour', at, ${ORIGIN}), count(*), avg(cpu_percent), max(cpu_percent), avg(ram_percent), avg(disk_percent), avg(temperature_c), max(temperature_c)
        from ${deviceMetrics} m
        join (
          -- Per device: the lookback window, or back to its last roll-up if that is older (missed runs).
          select d.id, greatest(${rawCutoff}::timestamptz, least(${lookbackFrom}::timestamptz,
            coalesce((select max(h.hour) from ${deviceMetricsHourly} h where h.device_id = d.id), ${rawCutoff}::timestamptz))) as since
          from ${devices} d
        ) s on s.id = m.device_id
        where m.at >= s.since and m.at < ${end}
        group by 1, 2
        on conflict (device_id, hour) do update set samples = excluded.samples, cpu_avg = excluded.cpu_avg, cpu_max = excluded.cpu_max,
          ram_avg = excluded.ram_avg, disk_avg = excluded.disk_avg, temperature_avg = excluded.temperature_avg, temperature_max = excluded.temperature_max
        returning 1)
      select count(*) as n from up`),
    db.execute<{ n: number }>(
      sql`with d as (delete from ${deviceMetrics} where at < ${rawCutoff} returning 1) select count(*) as n from d`,
    ),
    db.execute<{ n: number }>(
      sql`with d as (delete from ${deviceMetricsHourly} where hour < ${hourlyCutoff} returning 1) select count(*) as n from d`,
    ),
    expireCommandsStatement(db).returning({ id: sql`1` }),
  ]);
  return {
    hours_rolled_up: countOf(rolled),
    raw_deleted: countOf(raw),
    hourly_deleted: countOf(hourly),
    commands_expired: expired.length,
  };
}
