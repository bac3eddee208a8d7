/**
 * /metrics as the real tools see it: `promtool check metrics` on the exposition, and a real
 * Prometheus (Debian's package) scraping the running system and answering a query for a counter
 * this test drove. The system is the one the browser tests start (wrangler dev + local cloud).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../browser/system.ts";

const TOKEN = "prometheus-test-metrics-token-0123456789";
let system: TestSystem;

beforeAll(async () => {
  system = await startSystem({ METRICS_TOKEN: TOKEN });
}, 120_000);
afterAll(() => system?.stop(), 30_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const scrape = async () => {
  const res = await fetch(`${system.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};

/** Runs promtool with `input` on stdin; resolves with its exit code and output. */
function promtool(args: string[], input?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile("promtool", args, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("/metrics with the real Prometheus tools", () => {
  it("passes promtool check metrics", async () => {
    for (let i = 0; i < 3; i++) await fetch(`${system.url}/api/system/version`);
    await fetch(`${system.url}/api/blockchain/stats`);
    const text = await scrape();
    expect(text).toContain("# TYPE blackroad_http_request_duration_seconds histogram");
    const { code, output } = await promtool(["check", "metrics"], text);
    expect(output.trim(), output).toBe("");
    expect(code).toBe(0);
  });

  it("is scraped by a real Prometheus, which sees the requests this test made", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blackroad-prometheus-"));
    const port = await freePort();
    const target = new URL(system.url).host;
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "scrape_configs:",
        "  - job_name: blackroad",
        "    metrics_path: /metrics",
        "    authorization:",
        `      credentials: ${TOKEN}`,
        "    static_configs:",
        `      - targets: ["${target}"]`,
        "",
      ].join("\n"),
    );
    let prometheus: ChildProcess | undefined;
    try {
      const driven = 7;
      for (let i = 0; i < driven; i++) expect((await fetch(`${system.url}/api/auth/me`)).status).toBe(401);
      prometheus = spawn(
        "prometheus",
        [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: "ignore" },
      );
      const api = `http://127.0.0.1:${port}/api/v1/query?query=`;
      const query = async (q: string) => {
        const body = (await (await fetch(api + encodeURIComponent(q))).json()) as {
          data: { result: Array<{ value: [number, string] }> };
        };
        return body.data.result[0] ? Number(body.data.result[0].value[1]) : undefined;
      };
      expect(
        await until("the target to be up", async () => ((await query('up{job="blackroad"}')) === 1 ? 1 : undefined)),
      ).toBe(1);
      const seen = await until("the driven counter", async () => {
        const v = await query('blackroad_http_requests_total{route="/api/auth/me",method="GET",status="4xx"}');
        return v !== undefined && v >= driven ? v : undefined;
      });
      expect(seen).toBe(driven);
    } finally {
      prometheus?.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
