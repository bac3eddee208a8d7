/**
 * Smoke check of a deployed Worker: `node scripts/deploy/smoke.ts <base URL> [expected git sha]`.
 * Passes when /health answers, /api/health/summary says healthy (Postgres, Redis and RoadChain
 * reachable from the new version), /api/openapi.json is the API document, and (with a sha) the new
 * version is the one serving. Retries for a minute while the deploy propagates. Exit 1 on failure.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

type Check = { path: string; ok: (res: Response, body: unknown) => string | null };

const CHECKS: Check[] = [
  { path: "/health", ok: (res) => (res.status === 200 ? null : `HTTP ${res.status}`) },
  {
    path: "/api/health/summary",
    ok: (res, body) => {
      const status = (body as { status?: string } | null)?.status;
      return res.status === 200 && status === "healthy"
        ? null
        : `HTTP ${res.status}, status ${status ?? "missing"}: ${JSON.stringify(body)}`;
    },
  },
  {
    path: "/api/openapi.json",
    ok: (res, body) =>
      res.status === 200 && typeof (body as { paths?: unknown } | null)?.paths === "object"
        ? null
        : `HTTP ${res.status}, no paths`,
  },
];

async function once(base: string, sha: string | undefined): Promise<string[]> {
  const checks = [...CHECKS];
  if (sha) {
    checks.push({
      path: "/api/system/version",
      ok: (res, body) => {
        const got = (body as { git_sha?: string } | null)?.git_sha;
        return got === sha ? null : `serving ${got ?? "unknown"}, expected ${sha}`;
      },
    });
  }
  const failures: string[] = [];
  for (const check of checks) {
    try {
      const res = await fetch(new URL(check.path, base), {
        headers: { Accept: "application/json" },
        signal: AbortSignal.timeout(10_000),
      });
      const body: unknown = await res.json().catch(() => null);
      const problem = check.ok(res, body);
      if (problem) failures.push(`${check.path}: ${problem}`);
    } catch (err) {
      failures.push(`${check.path}: ${(err as Error).message}`);
    }
  }
  return failures;
}

export async function smokeCheck(base: string, sha?: string, attempts = 7, pauseMs = 10_000): Promise<string[]> {
  let failures: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    failures = await once(base, sha);
    if (failures.length === 0) return [];
    if (attempt < attempts) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return failures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [base, sha] = process.argv.slice(2);
  if (!base) {
    console.error("usage: node scripts/deploy/smoke.ts <base URL> [expected git sha]");
    process.exit(2);
  }
  const failures = await smokeCheck(
    base,
    sha,
    Number(process.env.SMOKE_ATTEMPTS ?? 7),
    Number(process.env.SMOKE_PAUSE_MS ?? 10_000),
  );
  if (failures.length) {
    console.error(`Smoke check of ${base} failed:\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`Smoke check of ${base} passed${sha ? ` (serving ${sha})` : ""}.`);
}
