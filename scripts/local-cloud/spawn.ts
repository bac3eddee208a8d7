/** Starts `serve.ts` in a child process and resolves with its URLs (for test and bench harnesses). */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

export type LocalCloudProcess = {
  databaseUrl: string;
  neonProxyUrl: string;
  upstashUrl: string;
  upstashToken: string;
  backends: { postgres: string; redis: string };
  /** With LOCAL_CLOUD_FAULT_LANE=1: the fault lane's URLs (fault-lane.ts). */
  faults?: { databaseUrl: string; neonProxyUrl: string; upstashUrl: string; controlUrl: string };
  stats(): Promise<{ httpQueries: number; openSockets: number; redisCommands: number }>;
  stop(): Promise<void>;
};

export function spawnLocalCloud(env: NodeJS.ProcessEnv = process.env): Promise<LocalCloudProcess> {
  const script = join(import.meta.dirname, "serve.ts");
  // process.execPath is Node 22 here (npm scripts put the node@22 devDependency first on PATH).
  const child = spawn(process.execPath, [script], { env, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const waiters: Array<(msg: Record<string, unknown>) => void> = [];
  lines.on("line", (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    waiters.shift()?.(msg);
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve));

  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`local cloud exited with code ${code} before it was ready`)));
    next().then((ready) => {
      const cloud = ready as unknown as LocalCloudProcess;
      resolve({
        databaseUrl: cloud.databaseUrl,
        neonProxyUrl: cloud.neonProxyUrl,
        upstashUrl: cloud.upstashUrl,
        upstashToken: cloud.upstashToken,
        backends: cloud.backends,
        faults: cloud.faults,
        async stats() {
          const reply = next();
          child.kill("SIGUSR2");
          return (await reply).stats as Awaited<ReturnType<LocalCloudProcess["stats"]>>;
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
