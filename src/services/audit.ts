import { type SQL, sql } from "drizzle-orm";
import { events } from "../db/schema/index.ts";
import type { Database } from "../lib/db.ts";

/**
 * The audit log (`events` table): who did what, from where, when. Generic: any feature may record
 * its own event types (`<area>.<action>`, e.g. `auth.login`, `wallet.transfer`).
 *
 * Never put secrets in an event: no passwords, tokens, keys or hashes; ids and reasons only.
 */
export type AuditEvent = {
  type: string;
  userId?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
};

export type WaitUntil = (promise: Promise<unknown>) => void;

function row(event: AuditEvent) {
  return {
    type: event.type.slice(0, 64),
    userId: event.userId ?? null,
    ip: event.ip ? event.ip.slice(0, 45) : null,
    userAgent: event.userAgent ? event.userAgent.slice(0, 500) : null,
    metadata: event.metadata ?? {},
  };
}

/** Who did it, from where: the request's part of an event. */
export type AuditActor = Pick<AuditEvent, "userId" | "ip" | "userAgent">;

/**
 * The audit row as a statement for the caller's own batch, written only if `when` holds: the event
 * then commits with the change it records, or not at all, and costs no round trip of its own.
 * `metadata` is SQL, so it may hold values the database assigns in the same batch (a new row's id).
 */
export function auditStatement(db: Database, event: AuditActor & { type: string; metadata: SQL }, when: SQL) {
  const r = row({ ...event, metadata: {} });
  return db.execute(sql`
    insert into ${events} (type, user_id, ip, user_agent, metadata)
    select ${r.type}, ${r.userId}, ${r.ip}, ${r.userAgent}, ${event.metadata} where ${when}`);
}

/** Writes one audit row now; rejects if it cannot be written (use inside a request you want to fail). */
export async function recordEvent(db: Database, event: AuditEvent): Promise<void> {
  await db.insert(events).values(row(event));
}

/**
 * Writes the row after the response is sent (through `waitUntil`, e.g. `c.executionCtx.waitUntil`),
 * so it never delays the client. One retry; if the row still cannot be written, the whole event is
 * logged as a structured `audit event lost` error line, which alerting picks up and from which the
 * row can be replayed: never dropped silently.
 */
export function recordEventLater(db: Database, event: AuditEvent, waitUntil: WaitUntil): void {
  const write = async () => {
    try {
      await recordEvent(db, event);
    } catch {
      try {
        await new Promise((r) => setTimeout(r, 200));
        await recordEvent(db, event);
      } catch (err) {
        console.error(
          JSON.stringify({
            level: "error",
            msg: "audit event lost",
            event: row(event),
            error: err instanceof Error ? err.message.slice(0, 200) : String(err),
          }),
        );
      }
    }
  };
  waitUntil(write());
}
