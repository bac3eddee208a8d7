/**
 * Starts a private redis-server for the local cloud and tests, when one is installed.
 * Loopback only, foreground child (never daemonized) so it dies with close() or with us.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

export type RedisServer = { url: string; close(): Promise<void> };

/**
 * Returns null when redis-server is not on PATH (callers fall back or fail loudly).
 * With `dataDir` the data is persisted there (RDB snapshot, also written on close);
 * without it nothing touches disk.
 */
export async function startRedisServer(opts: { dataDir?: string } = {}): Promise<RedisServer | null> {
  const bin = findOnPath("redis-server");
  if (!bin) return null;
  const dataDir = opts.dataDir && resolve(opts.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // The free port can be taken between probing and binding; a fresh port usually fixes it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(bin, await freePort(), dataDir);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function launch(bin: string, port: number, dataDir: string | undefined): Promise<RedisServer> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--daemonize", "no", "--appendonly", "no"];
  // --dir also catches an explicit SAVE, so a dump never lands in the working tree.
  args.push("--save", dataDir ? "60 1" : "", "--dir", dataDir ?? tmpdir(), "--loglevel", "warning");
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (b: Buffer) => void (output = (output + b.toString()).slice(-4000));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));
  // A crashed or killed test run must not leave redis-server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const close = async () => {
    process.removeListener("exit", killOnExit);
    if (!alive) return;
    child.kill("SIGTERM"); // with save points, Redis snapshots before exiting
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (!alive || Date.now() > deadline) {
      await close();
      throw new Error(`redis-server did not start on port ${port}: ${output.trim() || "no output"}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, close };
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
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

/** True once the server answers PING (inline command, no client library needed). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}
