/**
 * scripts/make-admin.ts against the local cloud, the way a developer uses it: through the running
 * local cloud's Neon proxy, through DATABASE_URL, and on a stopped local cloud's PGlite data.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonProxy, type NeonProxy } from "../../scripts/local-cloud/neon-proxy.ts";
import { applyMigrations, startPostgres, type StartedPostgres } from "../../scripts/local-cloud/postgres.ts";

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, "../../scripts/make-admin.ts");

/** Runs the script with exactly these variables (never the developer's .dev.vars values). */
async function makeAdmin(args: string[], env: Record<string, string>) {
  const base = { PATH: process.env.PATH ?? "", NEON_PROXY_URL: "http://127.0.0.1:1", LOCAL_CLOUD_DATA_DIR: join(tmpdir(), "make-admin-none") };
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { env: { ...base, ...env } as unknown as NodeJS.ProcessEnv });
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
    await client.query("insert into users (username, email, hashed_password) values ($1, $2, 'x')", [username, `${username}@example.com`]);
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
  let proxy: NeonProxy;

  beforeAll(async () => {
    postgres = await startPostgres({});
    await applyMigrations(postgres.url);
    proxy = await startNeonProxy({ databaseUrl: postgres.url });
  });
  afterAll(async () => {
    await proxy?.close();
    await postgres?.close();
  });

  it("grants through the running local cloud's proxy, by username or email, and logs it", async () => {
    await insertUser(postgres.url, "ada");
    const granted = await makeAdmin(["ada"], { NEON_PROXY_URL: proxy.url });
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain("ada <ada@example.com>");
    expect(granted.stdout).toContain("now an administrator");
    expect(await adminState(postgres.url, "ada")).toEqual({ isAdmin: true, events: ["admin.granted"] });

    const revoked = await makeAdmin(["ADA@example.com", "--revoke"], { NEON_PROXY_URL: proxy.url });
    expect(revoked.code).toBe(0);
    expect(await adminState(postgres.url, "ada")).toEqual({ isAdmin: false, events: ["admin.granted", "admin.revoked"] });
  });

  it("uses DATABASE_URL when it is set", async () => {
    await insertUser(postgres.url, "grace");
    const res = await makeAdmin(["grace"], { DATABASE_URL: postgres.url });
    expect(res.code).toBe(0);
    expect((await adminState(postgres.url, "grace")).isAdmin).toBe(true);
  });

  it("fails clearly for an unknown user or bad usage", async () => {
    const unknown = await makeAdmin(["nobody"], { NEON_PROXY_URL: proxy.url });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user "nobody"');
    const usage = await makeAdmin([], { NEON_PROXY_URL: proxy.url });
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
