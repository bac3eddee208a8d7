/**
 * Grants (or with --revoke, takes away) administrator rights, which the Prism console requires.
 *
 *   npx node scripts/make-admin.ts <username or email> [--revoke]
 *
 * Which database:
 *   - DATABASE_URL in the environment: that PostgreSQL (a Neon connection string works too).
 *   - otherwise the local cloud of `npm run dev`: while it runs, its Postgres (DATABASE_URL in
 *     .dev.vars); when it is stopped, its PGlite data in .local-cloud/pglite (or $LOCAL_CLOUD_DATA_DIR/pglite).
 *
 * The change takes effect on the user's next request (roles are read from the database, never
 * from tokens), and is written to the audit log as `admin.granted` / `admin.revoked`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");

/** One statement: change the flag and log it, returning the user (no row: no such user). */
const STATEMENT = `
with changed as (
  update users set is_admin = $2::boolean, updated_at = now()
  where lower(username) = lower($1) or lower(email) = lower($1)
  returning id, username, email, is_admin
), logged as (
  insert into events (user_id, type, metadata)
  select id, case when $2::boolean then 'admin.granted' else 'admin.revoked' end, jsonb_build_object('via', 'scripts/make-admin.ts')
  from changed
)
select id, username, email, is_admin from changed`;

type UserRow = { id: number | string; username: string; email: string; is_admin: boolean | string };
type Runner = { name: string; run(params: [string, boolean]): Promise<UserRow[]> };

function devVar(name: string): string | undefined {
  if (process.env[name]) return process.env[name];
  const file = process.env.DEV_VARS_FILE || join(root, ".dev.vars");
  if (!existsSync(file)) return undefined;
  const m = new RegExp(`^\\s*${name}\\s*=\\s*(.*?)\\s*$`, "m").exec(readFileSync(file, "utf8"));
  return m?.[1]?.replace(/^"(.*)"$/, "$1") || undefined;
}

async function viaPostgres(url: string): Promise<Runner> {
  const { default: pg } = await import("pg");
  return {
    name: "DATABASE_URL",
    async run(params) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<UserRow>(STATEMENT, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

async function viaPglite(dataDir: string): Promise<Runner> {
  const { PGlite } = await import("@electric-sql/pglite");
  return {
    name: `the stopped local cloud (${dataDir})`,
    async run(params) {
      const { unaccent } = await import("@electric-sql/pglite/contrib/unaccent");
      const db = await PGlite.create({ dataDir, extensions: { unaccent } });
      try {
        return (await db.query<UserRow>(STATEMENT, params)).rows;
      } finally {
        await db.close();
      }
    },
  };
}

/** Whether a Postgres server (the running local cloud's, say) accepts connections at this URL. */
async function answers(url: string): Promise<boolean> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function pickRunner(): Promise<Runner> {
  if (process.env.DATABASE_URL) return viaPostgres(process.env.DATABASE_URL);
  // .dev.vars names the local cloud's Postgres (npm run dev serves PGlite on that fixed port).
  const local = devVar("DATABASE_URL");
  if (local && (await answers(local))) return viaPostgres(local);
  const dataDir = join(process.env.LOCAL_CLOUD_DATA_DIR || join(root, ".local-cloud"), "pglite");
  if (existsSync(dataDir)) return viaPglite(dataDir);
  throw new Error("No database found: set DATABASE_URL, or run `npm run dev` once to create the local cloud");
}

async function main() {
  const args = process.argv.slice(2);
  const revoke = args.includes("--revoke");
  const who = args.filter((a) => a !== "--revoke");
  if (who.length !== 1 || who[0]!.startsWith("-")) {
    console.error("usage: npx node scripts/make-admin.ts <username or email> [--revoke]");
    process.exit(2);
  }
  const runner = await pickRunner();
  const rows = await runner.run([who[0]!, !revoke]);
  if (rows.length === 0) {
    console.error(
      `No user "${who[0]}" in ${runner.name}. Register first (Pocket OS sign-in window or POST /api/auth/register).`,
    );
    process.exit(1);
  }
  for (const u of rows) {
    console.log(
      `${u.username} <${u.email}> (id ${u.id}) is ${revoke ? "no longer an administrator" : "now an administrator"} — ${runner.name}.`,
    );
  }
  if (!revoke) console.log("Open /prism and sign in as that user.");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
