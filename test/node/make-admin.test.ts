/**
 * scripts/make-admin.ts against the local cloud, the way a developer uses it: on the running local
 * cloud (the DATABASE_URL its .dev.vars names), through DATABASE_URL, and on a stopped local cloud's
 * PGlite data.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, type StartedPostgres, startPostgres } from "../../scripts/local-cloud/postgres.ts";

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, "../../scripts/make-admin.ts");

/** Runs the script with exactly these variables (never the developer's .dev.vars values). */
async function makeAdmin(args: string[], env: Record<string, string>) {
  const base = {
    PATH: process.env.PATH ?? "",
    DEV_VARS_FILE: join(tmpdir(), "make-admin-no-such.dev.vars"),
    LOCAL_CLOUD_DATA_DIR: join(tmpdir(), "make-admin-none"),
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], {
      env: { ...base, ...env } as unknown as NodeJS.ProcessEnv,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function insertUser(url: string, username: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("insert into users (username, email, hashed_password) values ($1, $2, 'x')", [
      username,
      `${username}@example.com`,
    ]);
  } finally {
    await client.end();
  }
}

async function adminState(url: string, username: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const user = await client.query("select id, is_admin from users where username = $1", [username]);
    const events = await client.query("select type from events where user_id = $1 order by id", [user.rows[0].id]);
    return { isAdmin: user.rows[0].is_admin as boolean, events: events.rows.map((r) => r.type as string) };
  } finally {
    await client.end();
  }
}

describe("make-admin", () => {
  let postgres: StartedPostgres;
  /** A .dev.vars like the one `npm run dev` writes, naming the running local Postgres. */
  let devVars: { DEV_VARS_FILE: string };

  beforeAll(async () => {
    postgres = await startPostgres({});
    await applyMigrations(postgres.url);
    const file = join(mkdtempSync(join(tmpdir(), "make-admin-vars-")), ".dev.vars");
    writeFileSync(file, `# local\nDATABASE_URL=${postgres.url}\n`);
    devVars = { DEV_VARS_FILE: file };
  });
  afterAll(async () => {
    await postgres?.close();
  });

  it("grants on the running local cloud, by username or email, and logs it", async () => {
    await insertUser(postgres.url, "ada");
    const granted = await makeAdmin(["ada"], devVars);
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain("ada <ada@example.com>");
    expect(granted.stdout).toContain("now an administrator");
    expect(await adminState(postgres.url, "ada")).toEqual({ isAdmin: true, events: ["admin.granted"] });

    const revoked = await makeAdmin(["ADA@example.com", "--revoke"], devVars);
    expect(revoked.code).toBe(0);
    expect(await adminState(postgres.url, "ada")).toEqual({
      isAdmin: false,
      events: ["admin.granted", "admin.revoked"],
    });
  });

  it("uses DATABASE_URL when it is set", async () => {
    await insertUser(postgres.url, "grace");
    const res = await makeAdmin(["grace"], { DATABASE_URL: postgres.url });
    expect(res.code).toBe(0);
    expect((await adminState(postgres.url, "grace")).isAdmin).toBe(true);
  });

  it("fails clearly for an unknown user or bad usage", async () => {
    const unknown = await makeAdmin(["nobody"], devVars);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user "nobody"');
    const usage = await makeAdmin([], devVars);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage:");
  });

  it("works on a stopped local cloud's PGlite data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "make-admin-"));
    try {
      const stopped = await startPostgres({ dataDir: join(dir, "pglite") });
      await applyMigrations(stopped.url);
      await insertUser(stopped.url, "linus");
      await stopped.close();
      const res = await makeAdmin(["linus"], { LOCAL_CLOUD_DATA_DIR: dir });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain("stopped local cloud");
      const again = await startPostgres({ dataDir: join(dir, "pglite") });
      try {
        expect(await adminState(again.url, "linus")).toEqual({ isAdmin: true, events: ["admin.granted"] });
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
