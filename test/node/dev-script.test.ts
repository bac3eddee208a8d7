/**
 * `npm run dev` (scripts/dev.ts) refuses to start, naming each problem, before it starts anything:
 * a configuration the Worker's own schema rejects, or a port already in use. (Starting and stopping
 * the whole system is covered by the browser tests' system, test/browser/assets-routing.test.ts.)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "blackroad-dev-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A vars file like the one `npm run dev` writes, with some values replaced. */
function varsFile(name: string, replace: Record<string, string>): string {
  const text = readFileSync(join(root, ".dev.vars.example"), "utf8")
    .replace(/^SECRET_KEY=.*$/m, "SECRET_KEY=dev-script-test-secret-key-0123456789abcdef0123")
    .replace(/^WALLET_MASTER_KEY=.*$/m, "WALLET_MASTER_KEY=dev-script-test-wallet-key-0123456789abcdef012")
    .replace(/^UPSTASH_REDIS_REST_TOKEN=.*$/m, "UPSTASH_REDIS_REST_TOKEN=dev-script-test-token")
    .replace(/^([A-Z0-9_]+)=.*$/gm, (line, key: string) => (key in replace ? `${key}=${replace[key]}` : line));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function runDev(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(root, "scripts/dev.ts")],
      {
        cwd: root,
        env: { ...process.env, LOCAL_CLOUD_DATA_DIR: ":memory:", ...env },
        timeout: 60_000,
      },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, output: stdout + stderr }),
    );
  });
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => listen(0)));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("npm run dev refuses to start, naming each problem", () => {
  it("on a configuration the Worker would reject (every problem, no 'running')", async () => {
    const [port, pg, neon, upstash] = await freePorts(4);
    const file = varsFile("bad.vars", { SECRET_KEY: "short", BCRYPT_ROUNDS: "abc" });
    const { code, output } = await runDev({
      DEV_VARS_FILE: file,
      PORT: String(port),
      POSTGRES_PORT: String(pg),
      NEON_PROXY_PORT: String(neon),
      UPSTASH_PORT: String(upstash),
    });
    expect(code, output).toBe(1);
    expect(output).toMatch(/SECRET_KEY.*at least 32 bytes/);
    expect(output).toMatch(/BCRYPT_ROUNDS/);
    expect(output).not.toMatch(/is running/);
  });

  it("on a port in use: which service wanted it and the variable that moves it", async () => {
    const [port, neon, upstash] = await freePorts(3);
    const busy = await listen(0);
    const taken = (busy.address() as { port: number }).port;
    try {
      const { code, output } = await runDev({
        DEV_VARS_FILE: varsFile("good.vars", {}),
        PORT: String(port),
        POSTGRES_PORT: String(taken),
        NEON_PROXY_PORT: String(neon),
        UPSTASH_PORT: String(upstash),
      });
      expect(code, output).toBe(1);
      expect(output).toContain(`port ${taken} (the local cloud's PostgreSQL (PGlite)) is already in use`);
      expect(output).toContain("POSTGRES_PORT=<port> npm run dev");
      expect(output).not.toMatch(/EADDRINUSE|is running/);
    } finally {
      busy.close();
    }
  });
});
