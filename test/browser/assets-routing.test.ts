/**
 * The real assets routing of `npm run dev` (wrangler dev + Workers Assets, wrangler.toml's
 * run_worker_first): every path the API documents reaches the Worker, never the static 404 page,
 * and local development is not rate-limited across accounts (wrangler dev gives every local client
 * CF-Connecting-IP 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "./system.ts";

let system: TestSystem;
beforeAll(async () => {
  system = await startSystem();
}, 120_000);
afterAll(() => system?.stop(), 30_000);

/** A concrete URL path for an OpenAPI path template (`/api/x/{id}` → `/api/x/1`). */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, "1");

describe("assets routing", () => {
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
      if (body === staticNotFound || (res.status === 404 && (res.headers.get("content-type") ?? "").includes("text/html"))) {
        problems.push(`${path} → ${res.status} ${res.headers.get("content-type")}`);
      }
    }
    expect(problems, "paths that fell into the static 404 page").toEqual([]);
  });

  it("does not rate-limit a developer registering several accounts from one machine", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const username = `dev${Date.now().toString(36)}${i}`;
      const res = await fetch(`${system.url}/api/auth/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, email: `${username}@example.com`, password: "tangerine-lighthouse-47" }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(7).fill(201));
  });
});
