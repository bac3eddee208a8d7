/**
 * A throwaway real PostgreSQL for the test run: `initdb` into a temporary directory, `postgres` on a
 * free loopback port as a foreground child, deleted on close. `npm test` uses it when no
 * TEST_DATABASE_URL is given (test/node-global-setup.ts), so no test depends on a server that the
 * run did not start itself. The binaries come from Debian's `postgresql` package (the pretest step
 * installs it) or from PATH.
 *
 * PostgreSQL refuses to run as root: as root, initdb and the server run as the `postgres` user (which
 * the Debian package creates) on a directory that user owns.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";

export type ThrowawayPostgres = { url: string; close(): Promise<void> };

/** The directory holding initdb and postgres: PG_BIN, else Debian's newest version, else PATH. */
export function findPostgresBinaries(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, "bin")));
  }
  candidates.push(...(process.env.PATH ?? "").split(delimiter).filter(Boolean));
  for (const dir of candidates) {
    try {
      accessSync(join(dir, "initdb"), constants.X_OK);
      accessSync(join(dir, "postgres"), constants.X_OK);
      return dir;
    } catch {
      // not here
    }
  }
  return null;
}

/** The uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "PostgreSQL refuses to run as root and there is no `postgres` user to run it as " +
        "(install Debian's postgresql package: apt-get install postgresql), or set TEST_DATABASE_URL",
    );
  }
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = findPostgresBinaries();
  if (!bin) {
    throw new Error(
      "the tests need PostgreSQL's initdb and postgres binaries (Debian: apt-get install postgresql; " +
        "npm test's pretest step installs it when it can), or TEST_DATABASE_URL pointing at a server",
    );
  }
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), "blackroad-test-pg-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const data = join(dir, "data");
    // Trust on loopback only: the Neon driver's SCRAM exchange runs in JavaScript and would dominate.
    const init = spawnSync(
      join(bin, "initdb"),
      ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
      { ...user, encoding: "utf8", cwd: dir },
    );
    if (init.status !== 0)
      throw new Error(`initdb failed: ${(init.stderr || init.stdout || String(init.error)).trim()}`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(bin, data, dir, user, await freePort(), remove);
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  } catch (err) {
    remove();
    throw err;
  }
}

async function launch(
  bin: string,
  data: string,
  dir: string,
  user: { uid: number; gid: number } | undefined,
  port: number,
  remove: () => void,
): Promise<ThrowawayPostgres> {
  // Durability off: the data dies with the run. The socket lives in our directory, not /var/run.
  const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"];
  args.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const child = spawn(join(bin, "postgres"), args, { ...user, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (b: Buffer) => void (output = (output + b.toString()).slice(-4000));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let alive = true;
  const exited = new Promise<void>((resolve) => child.once("exit", () => ((alive = false), resolve())));
  child.once("error", (err) => collect(Buffer.from(String(err))));
  // A crashed or killed test run must not leave the server or its files behind.
  const killOnExit = () => {
    child.kill("SIGKILL");
    remove();
  };
  process.once("exit", killOnExit);

  const stop = async () => {
    if (alive) {
      child.kill("SIGINT"); // PostgreSQL's fast shutdown
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  while (!(await answers(url))) {
    if (!alive || Date.now() > deadline) {
      await stop();
      process.removeListener("exit", killOnExit);
      throw new Error(`PostgreSQL did not start on port ${port}: ${output.trim() || "no output"}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    close: async () => {
      process.removeListener("exit", killOnExit);
      await stop();
      remove();
    },
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
