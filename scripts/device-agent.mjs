#!/usr/bin/env node
// The BlackRoad device agent: Node ≥ 18.15, no dependencies. Runs on the device (a Raspberry Pi, a
// server): reports its metrics to POST /api/devices/{id}/heartbeat with its device token, runs the
// commands the owner queued — only those this device's config enables, never a shell line — and
// reports each result in the next heartbeat.
//
//   node device-agent.mjs register --url https://blackroad.systems --user-token <access token> \
//        --device-id kitchen-pi --name "Kitchen Pi" [--kind raspberry_pi] [--token-file ./device-token]
//   node device-agent.mjs run --url https://blackroad.systems --device-id kitchen-pi \
//        --token-file ./device-token [--config agent.json] [--beats N]
//
// Environment instead of flags: BLACKROAD_URL, DEVICE_ID, DEVICE_TOKEN, DEVICE_TOKEN_FILE, AGENT_CONFIG.
// agent.json (everything optional; an action that is not configured answers "failed: not enabled"):
//   { "services": ["nginx"],                         services reported, and the ones restart_service may touch
//     "restart": ["sudo", "systemctl", "restart"],    restart_service runs this + the service name
//     "deploy": ["/opt/app/deploy.sh"],               deploy_version runs this + the version
//     "actions": { "reboot": ["sudo", "reboot"], "update_packages": ["sudo", "apt-get", "-y", "upgrade"] } }
// `ping` is built in (answers pong). Commands run with execFile (no shell), 60 s deadline, output cut to 8000 chars.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";

export const AGENT_VERSION = "1.0.0";
const OUTPUT_LIMIT = 8000;
const COMMAND_TIMEOUT_MS = 60_000;

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const flags = {};
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i];
    if (!key?.startsWith("--")) throw new Error(`unexpected argument ${key}`);
    const value = rest[i + 1] && !rest[i + 1].startsWith("--") ? rest[++i] : "true";
    flags[key.slice(2)] = value;
  }
  return { command, flags };
}

/** CPU busy share since the previous call (the first call measures over 200 ms). */
let lastCpu;
async function cpuPercent() {
  const snap = () =>
    os.cpus().reduce(
      (a, c) => {
        const t = Object.values(c.times).reduce((x, y) => x + y, 0);
        return { idle: a.idle + c.times.idle, total: a.total + t };
      },
      { idle: 0, total: 0 },
    );
  if (!lastCpu) {
    lastCpu = snap();
    await new Promise((r) => setTimeout(r, 200));
  }
  const now = snap();
  const total = now.total - lastCpu.total;
  const busy = total > 0 ? 1 - (now.idle - lastCpu.idle) / total : 0;
  lastCpu = now;
  return Math.min(100, Math.max(0, Math.round(busy * 1000) / 10));
}

function temperature() {
  try {
    const milli = Number(readFileSync("/sys/class/thermal/thermal_zone0/temp", "utf8").trim());
    return Number.isFinite(milli) && milli > -60_000 && milli < 150_000 ? Math.round(milli / 100) / 10 : null;
  } catch {
    return null;
  }
}

function serviceStatus(name) {
  return new Promise((resolve) => {
    execFile("systemctl", ["is-active", name], { timeout: 5000 }, (err, stdout) => {
      const s = String(stdout).trim();
      resolve(s === "active" ? "running" : s === "failed" ? "failed" : "stopped");
    });
  });
}

export async function collectMetrics(config = {}) {
  const disk = statfsSync("/");
  const gb = (blocks) => Math.round((blocks * disk.bsize) / 1e7) / 100;
  const totalGb = Math.max(0.01, gb(disk.blocks));
  const services = [];
  for (const name of config.services ?? []) services.push({ name, status: await serviceStatus(name) });
  return {
    cpu_percent: await cpuPercent(),
    ram_used_mb: Math.round((os.totalmem() - os.freemem()) / 1048576),
    ram_total_mb: Math.max(1, Math.round(os.totalmem() / 1048576)),
    disk_used_gb: Math.min(totalGb, gb(disk.blocks - disk.bavail)),
    disk_total_gb: totalGb,
    temperature_c: temperature(),
    uptime_seconds: Math.floor(os.uptime()),
    services,
  };
}

function run(argv) {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.slice(-OUTPUT_LIMIT);
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({
        status: code === 0 ? "succeeded" : "failed",
        exit_code: Math.max(-1, Math.min(255, code)),
        output: output || (err ? err.message.slice(0, 500) : ""),
      });
    });
  });
}

const refuse = (why) => ({ status: "failed", exit_code: -1, output: why });

/** Runs one delivered command by this device's own allow-list (the server has its own, too). */
export async function execute(command, config = {}) {
  const { action, target } = command;
  if (action === "run_action" && target === "ping")
    return { status: "succeeded", exit_code: 0, output: `pong from ${os.hostname()} (agent ${AGENT_VERSION})` };
  if (action === "run_action") {
    const argv = config.actions?.[target];
    return Array.isArray(argv) && argv.length ? run(argv) : refuse(`action ${target} is not enabled on this device`);
  }
  if (action === "restart_service") {
    if (!(config.services ?? []).includes(target)) return refuse(`service ${target} is not managed by this agent`);
    return Array.isArray(config.restart) && config.restart.length
      ? run([...config.restart, target])
      : refuse("restarting services is not enabled on this device");
  }
  if (action === "deploy_version") {
    return Array.isArray(config.deploy) && config.deploy.length
      ? run([...config.deploy, target])
      : refuse("deploys are not enabled on this device");
  }
  return refuse(`unknown action ${action}`);
}

async function post(url, headers, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export async function register({ url, userToken, deviceId, name, kind = "other", tokenFile }) {
  const res = await post(
    `${url}/api/devices`,
    { Authorization: `Bearer ${userToken}` },
    { device_id: deviceId, name: name ?? deviceId, kind },
  );
  if (res.status !== 201)
    throw new Error(`registration failed (${res.status}): ${res.json?.detail ?? res.text.slice(0, 200)}`);
  if (tokenFile) writeFileSync(tokenFile, `${res.json.device_token}\n`, { mode: 0o600 });
  return res.json;
}

/**
 * Heartbeats until `beats` have been sent (forever when undefined). Results of the commands one
 * heartbeat delivered travel in the next one. Returns what happened, for tests and logs.
 */
export async function runAgent({ url, deviceId, token, config = {}, beats, log = console.log }) {
  const endpoint = `${url}/api/devices/${encodeURIComponent(deviceId)}/heartbeat`;
  let results = [];
  const history = [];
  let failures = 0;
  for (let n = 0; beats === undefined || n < beats; n++) {
    let wait;
    const body = {
      metrics: await collectMetrics(config),
      agent_version: AGENT_VERSION,
      ...(results.length ? { results } : {}),
    };
    let res;
    try {
      res = await post(endpoint, { Authorization: `Device ${token}` }, body);
    } catch (err) {
      res = { status: 0, text: String(err) };
    }
    if (res.status === 200) {
      failures = 0;
      results = [];
      history.push({ delivered: res.json.commands, acknowledged: res.json.acknowledged_results });
      for (const command of res.json.commands) {
        const result = await execute(command, config);
        log(`command ${command.id} ${command.action} ${command.target}: ${result.status}`);
        results.push({ command_id: command.id, ...result });
      }
      wait = res.json.next_heartbeat_seconds * 1000;
    } else if (res.status === 401) {
      throw new Error(`the device token was refused (revoked or rotated): ${res.json?.detail ?? res.status}`);
    } else if (res.status === 429) {
      wait = Number(res.headers.get("Retry-After") ?? 30) * 1000;
    } else if (res.status === 422) {
      throw new Error(`the server refused the heartbeat: ${res.text.slice(0, 300)}`);
    } else {
      failures++;
      wait = Math.min(300_000, 5000 * 2 ** Math.min(failures, 6)); // back off while the server is unreachable
      log(`heartbeat failed (${res.status || "network"}); retrying in ${wait / 1000} s`);
    }
    if (beats !== undefined && n + 1 >= beats) break;
    // Results are reported without waiting a whole interval.
    await new Promise((r) => setTimeout(r, results.length ? Math.min(wait, 1000) : wait));
  }
  return { history, pendingResults: results };
}

async function main() {
  const { command, flags } = parseArgs(process.argv.slice(2));
  const url = (flags.url ?? process.env.BLACKROAD_URL ?? "").replace(/\/+$/, "");
  const deviceId = flags["device-id"] ?? process.env.DEVICE_ID;
  const tokenFile = flags["token-file"] ?? process.env.DEVICE_TOKEN_FILE;
  if (!url || !deviceId || !["register", "run"].includes(command)) {
    console.error("usage: device-agent.mjs register|run --url <api> --device-id <id> [...] (see the top of the file)");
    process.exit(2);
  }
  if (command === "register") {
    const d = await register({
      url,
      userToken: flags["user-token"] ?? process.env.BLACKROAD_USER_TOKEN,
      deviceId,
      name: flags.name,
      kind: flags.kind,
      tokenFile,
    });
    console.log(
      tokenFile
        ? `registered ${d.device_id}; token written to ${tokenFile}`
        : `registered ${d.device_id}; token (shown once): ${d.device_token}`,
    );
    return;
  }
  const token = (
    flags.token ??
    process.env.DEVICE_TOKEN ??
    (tokenFile && existsSync(tokenFile) ? readFileSync(tokenFile, "utf8") : "")
  ).trim();
  if (!token) throw new Error("no device token: --token-file, --token or DEVICE_TOKEN");
  const configPath = flags.config ?? process.env.AGENT_CONFIG;
  const config = configPath ? JSON.parse(readFileSync(configPath, "utf8")) : {};
  const beats = flags.beats ? Number(flags.beats) : undefined;
  const outcome = await runAgent({ url, deviceId, token, config, beats });
  if (beats !== undefined) console.log(JSON.stringify(outcome));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
