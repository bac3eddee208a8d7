/**
 * `npm run dev`: the whole system on one machine with nothing but Node.
 * Starts the local cloud (unless .dev.vars points at real Neon/Upstash), writes .dev.vars with
 * generated secrets when it is missing, then runs `wrangler dev`.
 *
 * Environment knobs (unset: the defaults above), so a harness can run a second, throwaway system
 * next to a developer's: PORT, POSTGRES_PORT, NEON_PROXY_PORT, UPSTASH_PORT; DEV_VARS_FILE (vars
 * file to use instead of .dev.vars, passed to wrangler as --env-file); LOCAL_CLOUD_DATA_DIR (where
 * the local cloud keeps its data, `:memory:` for none); WRANGLER_PERSIST_TO (wrangler's local
 * state, e.g. the Durable Objects' storage); DATABASE_URL / REDIS_URL (a real PostgreSQL / Redis).
 *
 * Before starting anything it checks the configuration with the Worker's own schema and the ports
 * (scripts/dev/preflight.ts). Any stopping signal stops everything it started.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { configProblems, type PortUse, portProblems } from "./dev/preflight.ts";
import { type LocalCloud, startLocalCloud } from "./local-cloud/index.ts";

const root = join(import.meta.dirname, "..");
const devVarsPath = process.env.DEV_VARS_FILE ? resolve(process.env.DEV_VARS_FILE) : join(root, ".dev.vars");
const dataDirEnv = process.env.LOCAL_CLOUD_DATA_DIR;
const dataDir = !dataDirEnv ? join(root, ".local-cloud") : dataDirEnv === ":memory:" ? undefined : resolve(dataDirEnv);
const POSTGRES_PORT = Number(process.env.POSTGRES_PORT ?? 5488);
const NEON_PROXY_PORT = Number(process.env.NEON_PROXY_PORT ?? 4444);
const UPSTASH_PORT = Number(process.env.UPSTASH_PORT ?? 8079);
const WORKER_PORT = process.env.PORT ?? "8787";
const CLOSE_GRACE_MS = 4_000;
const WRANGLER_GRACE_MS = 5_000;

function parseVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!.replace(/^"(.*)"$/, "$1"));
  }
  return vars;
}

/** First run: copy the example, fill in local-cloud URLs and fresh secrets. */
function ensureDevVars(): Map<string, string> {
  if (!existsSync(devVarsPath)) {
    const secret = () => randomBytes(48).toString("base64url");
    const filled: Record<string, string> = {
      // The embedded PGlite, on a fixed port so this URL stays true across runs.
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${POSTGRES_PORT}/postgres`,
      NEON_PROXY_URL: `http://127.0.0.1:${NEON_PROXY_PORT}`,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${UPSTASH_PORT}`,
      UPSTASH_REDIS_REST_TOKEN: secret(),
      SECRET_KEY: secret(),
      WALLET_MASTER_KEY: secret(),
      ALLOWED_ORIGINS: `http://localhost:${WORKER_PORT},http://127.0.0.1:${WORKER_PORT}`,
    };
    const example = readFileSync(join(root, ".dev.vars.example"), "utf8");
    const text = example.replace(/^([A-Z0-9_]+)=.*$/gm, (line, name: string) =>
      name in filled ? `${name}=${filled[name]}` : line,
    );
    writeFileSync(devVarsPath, text, { mode: 0o600 });
    console.log(`Wrote ${devVarsPath} with generated local secrets.`);
  }
  return parseVars(readFileSync(devVarsPath, "utf8"));
}

const isLoopback = (url: string | undefined) => !!url && /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(url);

async function main() {
  const vars = ensureDevVars();
  const useLocalCloud = isLoopback(vars.get("NEON_PROXY_URL")) || isLoopback(vars.get("UPSTASH_REDIS_REST_URL"));
  await preflight(vars, useLocalCloud);
  let cloud: LocalCloud | undefined;
  if (useLocalCloud) {
    cloud = await startLocalCloud({
      dataDir,
      databaseUrl: process.env.DATABASE_URL || undefined,
      postgresPort: POSTGRES_PORT,
      redisUrl: process.env.REDIS_URL || undefined,
      embeddedRedis: process.env.LOCAL_CLOUD_REDIS === "embedded",
      neonProxyPort: NEON_PROXY_PORT,
      upstashPort: UPSTASH_PORT,
      upstashToken: vars.get("UPSTASH_REDIS_REST_TOKEN") ?? "",
    });
  }

  // wrangler itself (not through npx), in a process group of its own: stopping kills the whole
  // group, so wrangler's workerd never outlives us, whichever signal stopped us.
  const wranglerBin = join(root, "node_modules/wrangler/bin/wrangler.js");
  const wrangler = spawn(
    process.execPath,
    [wranglerBin, "dev", "--port", WORKER_PORT, "--ip", "127.0.0.1", ...wranglerArgs(cloud, vars)],
    {
      cwd: root,
      stdio: ["inherit", "pipe", "inherit"],
      detached: true,
    },
  );
  const signalWrangler = (signal: NodeJS.Signals) => {
    try {
      process.kill(-wrangler.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  process.once("exit", () => signalWrangler("SIGKILL"));
  let announced = false;
  wrangler.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Ready on/i.test(chunk.toString())) {
      announced = true;
      console.log(`
  BlackRoad OS is running
    Pocket OS     http://127.0.0.1:${WORKER_PORT}/
    API docs      http://127.0.0.1:${WORKER_PORT}/api/docs
    Prism         http://127.0.0.1:${WORKER_PORT}/prism
    Postgres      ${cloud ? `${cloud.backends.postgres} via the Neon proxy at ${cloud.neonProxyUrl}` : "from .dev.vars (remote)"}
    Redis         ${cloud ? `${cloud.backends.redis} via the Upstash REST server at ${cloud.upstashUrl}` : "from .dev.vars (remote)"}
`);
    }
  });

  const wranglerExited = new Promise<number>((done) => wrangler.once("exit", (code) => done(code ?? 0)));
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    exitDeadline(WRANGLER_GRACE_MS + CLOSE_GRACE_MS + 500);
    signalWrangler("SIGTERM");
    const timer = setTimeout(() => signalWrangler("SIGKILL"), WRANGLER_GRACE_MS);
    await wranglerExited;
    clearTimeout(timer);
    signalWrangler("SIGKILL"); // anything of the group still around (workerd)
    // Bounded: a process manager waits a few seconds before SIGKILL, and PostgreSQL (PGlite
    // included) recovers from its WAL if a long query kept it from closing in time.
    const closed = cloud?.close().then(() => true);
    const inTime = await Promise.race([closed ?? true, new Promise((r) => setTimeout(r, CLOSE_GRACE_MS, false))]);
    if (!inTime) console.error(`The local cloud did not close within ${CLOSE_GRACE_MS / 1000} s; exiting anyway.`);
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) process.on(signal, () => void stop(0));
  void wranglerExited.then((code) => stop(code));
}

/**
 * Ends this process after `ms` whatever the event loop is doing. The local cloud runs PGlite and the
 * embedded Redis engine on this thread, synchronously: a backlog of queries from a burst of requests
 * just before the signal can keep every timer here (the graceful path's deadlines included) from
 * firing for many seconds, and a process manager would have to SIGKILL us. A worker thread has its
 * own event loop, so its timer fires on time.
 */
function exitDeadline(ms: number) {
  const watchdog = `setTimeout(() => {
    require("node:fs").writeSync(2, "npm run dev: did not stop within ${ms / 1000} s; exiting now.\\n");
    process.kill(${process.pid}, "SIGKILL");
  }, ${ms});`;
  new Worker(watchdog, { eval: true }).unref();
}

/** Refuses to start, naming every problem, when the Worker could not run or a port is taken. */
async function preflight(vars: Map<string, string>, useLocalCloud: boolean) {
  // The local cloud's URLs replace these (wranglerArgs), so the file's values are not what the Worker gets.
  const overrides: Record<string, string> = useLocalCloud ? { DATABASE_URL: "postgres://local-cloud" } : {};
  const problems = configProblems(join(root, "wrangler.toml"), vars, overrides).map((p) => `${devVarsPath}: ${p}`);
  const ports: PortUse[] = [{ port: Number(WORKER_PORT), service: "wrangler dev, the Worker", envVar: "PORT" }];
  if (useLocalCloud) {
    if (!process.env.DATABASE_URL)
      ports.push({ port: POSTGRES_PORT, service: "the local cloud's PostgreSQL (PGlite)", envVar: "POSTGRES_PORT" });
    ports.push({ port: NEON_PROXY_PORT, service: "the local cloud's Neon proxy", envVar: "NEON_PROXY_PORT" });
    ports.push({ port: UPSTASH_PORT, service: "the local cloud's Upstash REST server", envVar: "UPSTASH_PORT" });
  }
  problems.push(...(await portProblems(ports)));
  if (problems.length === 0) return;
  console.error(`npm run dev cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}

/**
 * The local cloud's real Postgres URL (the proxy's target) overrides the placeholder in .dev.vars;
 * a DEV_VARS_FILE replaces .dev.vars (wrangler reads no .dev.vars when given --env-file).
 */
function wranglerArgs(cloud: LocalCloud | undefined, vars: Map<string, string>): string[] {
  const args = cloud ? ["--var", `DATABASE_URL:${cloud.databaseUrl}`] : [];
  // The ports the local cloud really listens on (NEON_PROXY_PORT, UPSTASH_PORT), not the file's.
  if (cloud && isLoopback(vars.get("NEON_PROXY_URL"))) args.push("--var", `NEON_PROXY_URL:${cloud.neonProxyUrl}`);
  if (cloud && isLoopback(vars.get("UPSTASH_REDIS_REST_URL")))
    args.push("--var", `UPSTASH_REDIS_REST_URL:${cloud.upstashUrl}`);
  // Links the API hands out (share links) point at this server, whatever PORT is.
  if (!vars.get("API_BASE_URL") || isLoopback(vars.get("API_BASE_URL")))
    args.push("--var", `API_BASE_URL:http://127.0.0.1:${WORKER_PORT}`);
  if (process.env.DEV_VARS_FILE) args.push("--env-file", devVarsPath);
  if (process.env.WRANGLER_PERSIST_TO) args.push("--persist-to", resolve(process.env.WRANGLER_PERSIST_TO));
  return args;
}

main().catch((err) => {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e.code === "EADDRINUSE") {
    console.error(
      `npm run dev cannot start: ${e.message} (taken since the check; see PORT, POSTGRES_PORT, NEON_PROXY_PORT, UPSTASH_PORT)`,
    );
  } else {
    console.error(err);
  }
  process.exit(1);
});
