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
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startLocalCloud, type LocalCloud } from "./local-cloud/index.ts";

const root = join(import.meta.dirname, "..");
const devVarsPath = process.env.DEV_VARS_FILE ? resolve(process.env.DEV_VARS_FILE) : join(root, ".dev.vars");
const dataDirEnv = process.env.LOCAL_CLOUD_DATA_DIR;
const dataDir = !dataDirEnv ? join(root, ".local-cloud") : dataDirEnv === ":memory:" ? undefined : resolve(dataDirEnv);
const POSTGRES_PORT = Number(process.env.POSTGRES_PORT ?? 5488);
const NEON_PROXY_PORT = Number(process.env.NEON_PROXY_PORT ?? 4444);
const UPSTASH_PORT = Number(process.env.UPSTASH_PORT ?? 8079);
const WORKER_PORT = process.env.PORT ?? "8787";

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
    const text = example.replace(/^([A-Z0-9_]+)=.*$/gm, (line, name: string) => (name in filled ? `${name}=${filled[name]}` : line));
    writeFileSync(devVarsPath, text, { mode: 0o600 });
    console.log(`Wrote ${devVarsPath} with generated local secrets.`);
  }
  return parseVars(readFileSync(devVarsPath, "utf8"));
}

const isLoopback = (url: string | undefined) => !!url && /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(url);

async function main() {
  const vars = ensureDevVars();
  const useLocalCloud = isLoopback(vars.get("NEON_PROXY_URL")) || isLoopback(vars.get("UPSTASH_REDIS_REST_URL"));
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

  const wrangler = spawn("npx", ["wrangler", "dev", "--port", WORKER_PORT, "--ip", "127.0.0.1", ...wranglerArgs(cloud)], {
    cwd: root,
    stdio: ["inherit", "pipe", "inherit"],
  });
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
    Postgres      ${cloud ? cloud.backends.postgres + " via the Neon proxy at " + cloud.neonProxyUrl : "from .dev.vars (remote)"}
    Redis         ${cloud ? cloud.backends.redis + " via the Upstash REST server at " + cloud.upstashUrl : "from .dev.vars (remote)"}
`);
    }
  });

  const stop = async () => {
    wrangler.kill("SIGTERM");
    await cloud?.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  wrangler.on("exit", async (code) => {
    await cloud?.close();
    process.exit(code ?? 0);
  });
}

/**
 * The local cloud's real Postgres URL (the proxy's target) overrides the placeholder in .dev.vars;
 * a DEV_VARS_FILE replaces .dev.vars (wrangler reads no .dev.vars when given --env-file).
 */
function wranglerArgs(cloud: LocalCloud | undefined): string[] {
  const args = cloud ? ["--var", `DATABASE_URL:${cloud.databaseUrl}`] : [];
  if (process.env.DEV_VARS_FILE) args.push("--env-file", devVarsPath);
  if (process.env.WRANGLER_PERSIST_TO) args.push("--persist-to", resolve(process.env.WRANGLER_PERSIST_TO));
  return args;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
