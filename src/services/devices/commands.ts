import { and, count, desc, eq, getTableColumns, inArray, lt, sql } from "drizzle-orm";
import { deviceCommands } from "../../db/schema/index.ts";
import type { DeviceCommandAction, DeviceCommandStatus } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import { conflict } from "../../lib/errors.ts";
import { beforeTime, microsText, type TimeCursor } from "../../lib/time-cursor.ts";
import { getDevice } from "./registry.ts";

/**
 * The command queue: the owner queues an allow-listed action (the route's schema is the allow-list;
 * nothing here ever becomes a shell line), the device receives queued commands in a heartbeat
 * answer (→ delivered) and reports each result in a later heartbeat (→ succeeded | failed). A
 * command not finished by its `expires_at` is expired: by the next heartbeat or list of its
 * device, and by the scheduled job for devices that went quiet.
 */
export const MAX_OPEN_COMMANDS = 50;

export type CommandRow = typeof deviceCommands.$inferSelect;

/** Marks the open commands past their deadline as expired (one device, or all when omitted). */
export function expireCommandsStatement(db: Database, deviceRowId?: number) {
  return db
    .update(deviceCommands)
    .set({ status: "expired", completedAt: sql`now()` })
    .where(
      and(
        inArray(deviceCommands.status, ["queued", "delivered"]),
        lt(deviceCommands.expiresAt, sql`now()`),
        deviceRowId === undefined ? undefined : eq(deviceCommands.deviceId, deviceRowId),
      ),
    );
}

export async function queueCommand(
  db: Database,
  userId: number,
  deviceId: string,
  input: { action: string; target: string; expiresInSeconds: number },
): Promise<CommandRow> {
  const device = await getDevice(db, userId, deviceId);
  // The cap is checked and the row written in one statement, so concurrent requests cannot pass it together.
  const inserted = await db.execute<{ id: string }>(sql`
    insert into ${deviceCommands} (device_id, action, target, expires_at)
    select ${device.id}, ${input.action}, ${input.target}, now() + make_interval(secs => ${input.expiresInSeconds})
    where (select count(*) from ${deviceCommands} where device_id = ${device.id} and status in ('queued', 'delivered') and expires_at >= now()) < ${MAX_OPEN_COMMANDS}
    returning id`);
  const id = inserted.rows[0]?.id;
  if (!id)
    throw conflict(
      `This device already has ${MAX_OPEN_COMMANDS} open commands; wait for it to run them`,
      "too-many-open-commands",
    );
  const [row] = await db.select().from(deviceCommands).where(eq(deviceCommands.id, id));
  return row!;
}

/**
 * A device's commands, newest first: `before` is a keyset cursor (the last command's created_at to
 * the microsecond and its id) on device_commands_device_created_id_idx; `offset` the older paging.
 * Each row carries `cursorAt`, its created_at as the cursor needs it; the total is the filter's.
 */
export async function listCommands(
  db: Database,
  userId: number,
  deviceId: string,
  q: { status?: DeviceCommandStatus; limit: number; offset: number; before?: TimeCursor },
) {
  const device = await getDevice(db, userId, deviceId);
  await expireCommandsStatement(db, device.id);
  const where = and(eq(deviceCommands.deviceId, device.id), q.status ? eq(deviceCommands.status, q.status) : undefined);
  const below = q.before && beforeTime(deviceCommands.createdAt, deviceCommands.id, q.before, "uuid");
  const [rows, [total]] = await db.batch([
    db
      .select({ ...getTableColumns(deviceCommands), cursorAt: microsText(deviceCommands.createdAt) })
      .from(deviceCommands)
      .where(and(where, below))
      .orderBy(desc(deviceCommands.createdAt), desc(deviceCommands.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(deviceCommands).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const commandJson = (c: CommandRow) => ({
  id: c.id,
  action: c.action as DeviceCommandAction,
  target: c.target,
  status: c.status as DeviceCommandStatus,
  exit_code: c.exitCode,
  output: c.output,
  created_at: iso(c.createdAt)!,
  expires_at: iso(c.expiresAt)!,
  delivered_at: iso(c.deliveredAt),
  completed_at: iso(c.completedAt),
});
export type CommandView = ReturnType<typeof commandJson>;
