/**
 * Tools for the WebSocket flood test (ws-flood.test.ts): latency probes, the attacker, and workerd's
 * memory, all against a system started by system.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import WebSocket from "ws";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const median = (values: number[]) => percentile(values, 50);

/** Sequential `/health` requests and sequential mine requests side by side, for `ms` or until `done` settles. */
export async function probe(
  url: string,
  token: string,
  ms: number,
  done?: Promise<unknown>,
): Promise<{ health: number[]; mine: number[]; mineErrors: string[] }> {
  let until = Date.now() + ms;
  void done?.finally(() => (until = 0));
  const health: number[] = [];
  const mine: number[] = [];
  const mineErrors: string[] = [];
  const healthLoop = async () => {
    while (Date.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(60_000) });
      await res.arrayBuffer();
      health.push(performance.now() - t0);
      if (!res.ok) throw new Error(`/health answered ${res.status}`);
    }
  };
  const mineLoop = async () => {
    while (Date.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/blockchain/mine`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": crypto.randomUUID() },
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      mine.push(performance.now() - t0);
      if (res.status !== 201) mineErrors.push(`${res.status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all([healthLoop(), mineLoop()]);
  return { health, mine, mineErrors };
}

export type Opened = { ws: WebSocket; status: number; closed: Promise<{ code: number; reason: string }> };

/** Opens the live feed; `status` is 101 or the refusal's status (429 at the per-address cap). */
export function openFeed(url: string): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/blockchain/ws`, { maxPayload: 64 * 1024 * 1024 });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.once("close", (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.once("open", () => resolve({ ws, status: 101, closed }));
    ws.once("unexpected-response", (_req, res) => {
      res.resume();
      resolve({ ws, status: res.statusCode ?? 0, closed });
      ws.terminate();
    });
    ws.on("error", () => resolve({ ws, status: 0, closed }));
  });
}

export type FloodReport = {
  connections: number;
  refused: number;
  closeCodes: Record<string, number>;
  sent: number;
  unclosed: number;
};

/**
 * `sockets` sockets from one address, each sending `perSocket` small messages as fast as it can; a
 * socket the server closes is reopened (a persistent attacker) until `ms` has passed (ms = 0: each
 * socket once, as in issue 14). Sockets the server does not close within 10 s of their last
 * message count as `unclosed`.
 */
export async function flood(url: string, ms: number, sockets = 4, perSocket = 5000): Promise<FloodReport> {
  const report: FloodReport = { connections: 0, refused: 0, closeCodes: {}, sent: 0, unclosed: 0 };
  const until = Date.now() + ms;
  const attacker = async () => {
    for (let first = true; first || Date.now() < until; first = false) {
      const o = await openFeed(url);
      if (o.status !== 101) {
        report.refused++;
        await sleep(100);
        continue;
      }
      report.connections++;
      for (let i = 0; i < perSocket && o.ws.readyState === WebSocket.OPEN; i++) {
        o.ws.send("ping");
        report.sent++;
      }
      const result = await Promise.race([o.closed, sleep(10_000).then(() => null)]);
      if (result === null) {
        report.unclosed++;
        o.ws.terminate();
      } else report.closeCodes[result.code] = (report.closeCodes[result.code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: sockets }, attacker));
  return report;
}

/** Resident memory of every workerd process under `pid` (scripts/dev.ts), in MiB. */
export function workerdRssMiB(pid: number): number {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  let kib = 0;
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      if (names.get(child) === "workerd") {
        try {
          kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child}/status`, "utf8"))?.[1] ?? 0);
        } catch {
          // exited
        }
      }
      walk(child);
    }
  };
  walk(pid);
  return Math.round(kib / 1024);
}
