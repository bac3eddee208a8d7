// PGlite is Postgres compiled to WebAssembly, running on the local cloud's one JavaScript thread:
// its timers never fire while a statement runs, so it ignores statement_timeout. A slow statement
// in a test is a pg_sleep, so pg_sleep is made to honour statement_timeout as PostgreSQL does
// (SQLSTATE 57014 once the statement's time is up). The built-in is renamed and a PL/pgSQL
// pg_sleep takes its name: a built-in function cannot be replaced in place (it is called by its
// OID, whatever pg_proc says). Idempotent, so a persisted data directory keeps working.
//
// What this cannot give: a statement the client abandoned still runs to its end (nothing can
// interrupt the thread), and meanwhile every other session waits (PGlite has one session). The
// tests that need a real cancellation run on PostgreSQL (test/node/neon-proxy-fidelity.test.ts).
import type { PGlite } from "@electric-sql/pglite";

const PG_SLEEP_HONOURING_STATEMENT_TIMEOUT = `
do $$ begin
  if not exists (select 1 from pg_catalog.pg_proc where proname = 'pg_sleep_uninterruptible') then
    alter function pg_catalog.pg_sleep(double precision) rename to pg_sleep_uninterruptible;
  end if;
end $$;
create or replace function pg_catalog.pg_sleep(seconds double precision) returns void
language plpgsql volatile parallel safe as $fn$
declare
  timeout_ms double precision := (select setting::double precision from pg_catalog.pg_settings where name = 'statement_timeout');
  wake timestamptz := pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => greatest(seconds, 0));
  deadline timestamptz := case when timeout_ms > 0
    then pg_catalog.statement_timestamp() + pg_catalog.make_interval(secs => timeout_ms / 1000) end;
begin
  if deadline is not null and deadline < wake then
    perform pg_catalog.pg_sleep_uninterruptible(greatest(extract(epoch from deadline - pg_catalog.clock_timestamp()), 0));
    raise exception 'canceling statement due to statement timeout' using errcode = 'query_canceled';
  end if;
  perform pg_catalog.pg_sleep_uninterruptible(greatest(extract(epoch from wake - pg_catalog.clock_timestamp()), 0));
end $fn$;
`;

export async function honourStatementTimeout(db: PGlite): Promise<void> {
  await db.exec(PG_SLEEP_HONOURING_STATEMENT_TIMEOUT);
}
