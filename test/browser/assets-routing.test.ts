/**
 * The real assets routing of `npm run dev` (wrangler dev + Workers Assets, wrangler.toml's
 * run_worker_first): every path the API documents reaches the Worker, never the static 404 page,
 * and local development is not rate-limited across accounts (wrangler dev gives every local client
 * CF-Connecting-IP 127.0.0.1).
 */
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryingTransient503 } from "../helpers/transient.ts";
import { startSystem, type TestSystem } from "./system.ts";

let system: TestSystem;
beforeAll(async () => {
  system = await startSystem();
}, 120_000);
afterAll(() => system?.stop(), 30_000);

/** A concrete URL path for an OpenAPI path template (`/api/x/{id}` → `/api/x/1`). */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, "1");

describe("assets routing", () => {
  // First: with the embedded Redis engine, the local cloud (PGlite, the proxies and the engine share
  // one Node event loop) is still catching up on the walk's ~290 requests for some seconds after it.
  it("does not rate-limit a developer registering several accounts from one machine", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) {
      const username = `dev${Date.now().toString(36)}${i}`;
      // What is under test is the rate limit (429): a database briefly out under a loaded CI
      // machine (a retryable 503) is retried once, as a client would.
      const res = await retryingTransient503(() =>
        fetch(`${system.url}/api/auth/register`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username, email: `${username}@example.com`, password: "tangerine-lighthouse-47" }),
        }),
      );
      answers.push(res.status === 201 ? "201" : `${res.status} ${await res.text()}`);
    }
    expect(answers).toEqual(Array(7).fill("201"));
  });

  it("sends every documented API path (and /, /prism) to the Worker or a real page, never the static 404", async () => {
    const missing = await fetch(`${system.url}/no-such-page-${Date.now()}`);
    expect(missing.status).toBe(404);
    const staticNotFound = await missing.text();

    const spec = (await (await fetch(`${system.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(spec.paths).map(concrete);
    expect(paths).toContain("/api");
    const problems: string[] = [];
    for (const path of ["/", "/prism", "/prism/", ...paths]) {
      const res = await fetch(`${system.url}${path}`, { redirect: "manual" });
      const body = await res.text();
      if (
        body === staticNotFound ||
        (res.status === 404 && (res.headers.get("content-type") ?? "").includes("text/html"))
      ) {
        problems.push(`${path} → ${res.status} ${res.headers.get("content-type")}`);
      }
    }
    expect(problems, "paths that fell into the static 404 page").toEqual([]);
  });

  // Last: it stops the system.
  it("stops wrangler and workerd when npm run dev alone gets SIGTERM (what a process manager sends)", async () => {
    const port = Number(new URL(system.url).port);
    const started = descendants(system.pid);
    expect(started.length).toBeGreaterThan(0);
    process.kill(system.pid, "SIGTERM");
    await expect.poll(() => accepts(port), { timeout: 20_000, interval: 200 }).toBe(false);
    await expect.poll(() => started.filter(alive), { timeout: 20_000, interval: 200 }).toEqual([]);
    await expect.poll(() => alive(system.pid), { timeout: 10_000, interval: 200 }).toBe(false);
  });
});

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "); // a zombie is gone
  } catch {
    return false;
  }
};

/** Every process below `pid` (Linux /proc), whatever process group it moved to. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) if (parent === p) found.push(child), walk(child);
  };
  walk(pid);
  return found;
}
