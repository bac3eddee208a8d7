/**
 * The live commands: `status` asks a deployment how it is (/api/health/summary and
 * /api/system/version); `health` calls every health entrypoint of a service. Every call has a
 * deadline; an unreachable deployment is exit 3, an unhealthy one exit 1.
 */
import { getEnvironment, getService } from "./catalog.ts";
import type { HealthEntrypoint, Manifest } from "./manifest.ts";
import { EXIT, header, type Outcome } from "./output.ts";

export type Probe = {
  path: string;
  url: string;
  http_status: number | null;
  latency_ms: number;
  body: unknown;
  error: string | null;
};

export async function probe(base: string, path: string, timeoutMs: number, method = "GET"): Promise<Probe> {
  const url = new URL(path, base).toString();
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
      redirect: "manual",
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null; // HTML pages (the docs) are fine; only JSON bodies are inspected
    }
    return {
      path,
      url,
      http_status: res.status,
      latency_ms: Math.round(performance.now() - started),
      body,
      error: null,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error =
      e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { path, url, http_status: null, latency_ms: Math.round(performance.now() - started), body: null, error };
  }
}

type Check = { status: "up" | "slow" | "down"; latency_ms: number; error?: string };
type Summary = {
  status: string;
  version?: string;
  environment?: string;
  checks?: Record<string, Check>;
  integrations?: Record<string, { configured: boolean }>;
};
type Version = { version?: string; git_sha?: string | null; build_time?: string | null; environment?: string };

export type LiveOptions = { url?: string; timeoutMs: number };

export async function status(m: Manifest, envName: string | undefined, opts: LiveOptions): Promise<Outcome> {
  const [environment, e] = getEnvironment(m, envName);
  const base = opts.url ?? e.url;
  const [summary, version] = await Promise.all([
    probe(base, "/api/health/summary", opts.timeoutMs),
    probe(base, "/api/system/version", opts.timeoutMs),
  ]);
  const reachable = summary.http_status !== null;
  const s = (summary.body ?? {}) as Summary;
  const v = (version.body ?? {}) as Version;
  const overall = !reachable ? "unreachable" : typeof s.status === "string" ? s.status : `http ${summary.http_status}`;
  const exitCode = !reachable
    ? EXIT.unreachable
    : overall === "healthy" || overall === "degraded"
      ? EXIT.ok
      : EXIT.failed;
  const json = {
    environment,
    url: base,
    status: overall,
    ok: exitCode === EXIT.ok,
    http_status: summary.http_status,
    latency_ms: summary.latency_ms,
    error: summary.error,
    checks: s.checks ?? {},
    integrations: s.integrations ?? {},
    version:
      version.http_status === 200
        ? {
            version: v.version ?? null,
            git_sha: v.git_sha ?? null,
            build_time: v.build_time ?? null,
            environment: v.environment ?? null,
          }
        : null,
  };
  return {
    exitCode,
    json,
    text: (c) => {
      const paint = (x: string) =>
        x === "healthy" || x === "up" ? c.green(x) : x === "degraded" || x === "slow" ? c.yellow(x) : c.red(x);
      const lines = [
        header(c, `${environment} — ${base}`),
        `  status   ${paint(overall)} ${c.dim(`(${summary.latency_ms} ms)`)}`,
      ];
      if (summary.error) lines.push(`  error    ${c.red(summary.error)}`);
      for (const [name, check] of Object.entries(json.checks)) {
        lines.push(
          `  ${name.padEnd(9)}${paint(check.status).padEnd(4)} ${c.dim(`${check.latency_ms} ms`)}${check.error ? `  ${c.red(check.error)}` : ""}`,
        );
      }
      if (json.version)
        lines.push(
          `  version  ${json.version.version} (${json.version.git_sha ?? "no git sha"}${json.version.build_time ? `, built ${json.version.build_time}` : ""}) — environment ${json.version.environment}`,
        );
      else if (reachable)
        lines.push(`  version  ${c.red(`/api/system/version answered ${version.http_status ?? version.error}`)}`);
      return lines;
    },
  };
}

/** Is one entrypoint's answer good? 2xx, and when it names a check or an expected status, those too. */
function judge(h: HealthEntrypoint, p: Probe): { ok: boolean; detail: string } {
  if (p.http_status === null) return { ok: false, detail: p.error ?? "no answer" };
  const body = (p.body ?? {}) as Summary;
  if (h.check) {
    const check = body.checks?.[h.check];
    if (!check) return { ok: false, detail: `no "${h.check}" check in the answer (http ${p.http_status})` };
    return {
      ok: check.status !== "down",
      detail: `${h.check} ${check.status} in ${check.latency_ms} ms${check.error ? `: ${check.error}` : ""}`,
    };
  }
  if (p.http_status < 200 || p.http_status >= 300) return { ok: false, detail: `http ${p.http_status}` };
  if (h.expect && body.status !== h.expect)
    return { ok: false, detail: `status ${String(body.status)}, expected ${h.expect}` };
  return { ok: true, detail: `http ${p.http_status}${typeof body.status === "string" ? `, ${body.status}` : ""}` };
}

export async function health(
  m: Manifest,
  name: string,
  envName: string | undefined,
  opts: LiveOptions,
): Promise<Outcome> {
  const [service, s] = getService(m, name);
  const [environment, e] = getEnvironment(m, envName);
  const base = opts.url ?? e.url;
  if (s.status !== "active" || s.health.length === 0) {
    return {
      exitCode: EXIT.failed,
      json: {
        service,
        environment,
        url: base,
        ok: false,
        entrypoints: [],
        error: `${service} is ${s.status}: nothing deployed to check`,
      },
      text: (c) => [
        c.yellow(`${service} is ${s.status}${s.target ? ` (target ${s.target})` : ""}: nothing deployed to check`),
      ],
    };
  }
  const probes = await Promise.all(s.health.map((h) => probe(base, h.path, opts.timeoutMs, h.method)));
  const entrypoints = s.health.map((h, i) => {
    const p = probes[i]!;
    const verdict = judge(h, p);
    return {
      method: h.method,
      path: h.path,
      description: h.description,
      url: p.url,
      ok: verdict.ok,
      http_status: p.http_status,
      latency_ms: p.latency_ms,
      detail: verdict.detail,
    };
  });
  const unreachable = probes.every((p) => p.http_status === null);
  const ok = entrypoints.every((x) => x.ok);
  return {
    exitCode: ok ? EXIT.ok : unreachable ? EXIT.unreachable : EXIT.failed,
    json: { service, environment, url: base, ok, entrypoints },
    text: (c) => [
      header(c, `${service} — ${environment} (${base})`),
      ...entrypoints.map(
        (x) =>
          `  ${x.ok ? c.green("ok  ") : c.red("FAIL")} ${x.method} ${x.path.padEnd(22)} ${c.dim(`${x.latency_ms} ms`)}  ${x.detail}`,
      ),
    ],
  };
}
