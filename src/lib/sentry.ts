/**
 * Error tracking with Sentry (@sentry/cloudflare), on only when SENTRY_DSN is set.
 *
 * What is reported: unhandled exceptions and every 5xx answer (a thrown error as an exception, a
 * deliberate 5xx problem as a message), tagged with the request id, the route pattern, the release
 * (GIT_SHA) and the environment. 4xx are the client's business and are never reported.
 *
 * No personal data leaves: `dataCollection` collects nothing personal and `scrubEvent` keeps only method and the URL's
 * path of the request (no headers — so no Authorization or Cookie —, no query string, no body),
 * no user, no IP address, and no breadcrumbs (they can carry URLs and console lines).
 *
 * The SDK is about a third of the bundle, so it is imported on the first request of an isolate that
 * has a DSN: an isolate without one never evaluates it (start-up time, `npm run bench`).
 */
type SentryModule = typeof import("@sentry/cloudflare");
let sentry: SentryModule | undefined;

/** The SDK, evaluated on first use. */
export async function loadSentry(): Promise<SentryModule> {
  return (sentry ??= await import("@sentry/cloudflare"));
}

import type { CloudflareOptions, ErrorEvent, EventHint } from "@sentry/cloudflare";
import { loggableError } from "./errors.ts";

export function sentryOptions(env: Partial<Record<string, unknown>>): CloudflareOptions {
  const dsn = typeof env.SENTRY_DSN === "string" && env.SENTRY_DSN.trim() ? env.SENTRY_DSN.trim() : undefined;
  return {
    dsn,
    enabled: Boolean(dsn),
    release: typeof env.GIT_SHA === "string" && env.GIT_SHA ? env.GIT_SHA : undefined,
    environment: typeof env.ENVIRONMENT === "string" && env.ENVIRONMENT ? env.ENVIRONMENT : "production",
    // Collect nothing about the person or the request body; scrubEvent is the second line of defence.
    dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false },
    tracesSampleRate: 0,
    // The SDK's request data integration would copy headers and the client IP into every event.
    integrations: (defaults) => defaults.filter((i) => i.name !== "RequestData" && i.name !== "Hono"),
    beforeSend: scrubEvent,
    beforeBreadcrumb: () => null,
  };
}

/** Drops everything that could identify a person or carry a secret; keeps what locates the fault. */
export function scrubEvent(event: ErrorEvent, _hint?: EventHint): ErrorEvent {
  if (event.request) {
    const url = event.request.url ? safePath(event.request.url) : undefined;
    event.request = { method: event.request.method, url };
  }
  delete event.user;
  delete event.breadcrumbs;
  if (event.contexts) {
    delete event.contexts.cloud_resource;
    delete event.contexts.culture;
  }
  return event;
}

function safePath(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
}

export type FailureReport = { status: number; requestId: string; route: string; problemType?: string; error?: unknown };

/** Reports one 5xx answer to Sentry (a no-op without a client, i.e. without SENTRY_DSN). */
export function reportFailure(report: FailureReport): void {
  const Sentry = sentry;
  if (!Sentry?.getClient()) return;
  Sentry.withScope((scope) => {
    scope.setTag("request_id", report.requestId);
    scope.setTag("route", report.route);
    scope.setTag("status", String(report.status));
    if (report.problemType) scope.setTag("problem_type", report.problemType);
    if (report.error instanceof Error) Sentry.captureException(reportable(report.error));
    else Sentry.captureMessage(`HTTP ${report.status} ${report.problemType ?? ""} on ${report.route}`.trim(), "error");
  });
}

/**
 * The error as the logs see it: a failed query's parameters are user data (a post's text, an email
 * address), so its message and stack carry the SQL only, and its cause only as a one-line message.
 */
function reportable(err: Error): Error {
  const { message, stack, cause } = loggableError(err);
  const safe = new Error(message, cause ? { cause: new Error(cause) } : undefined);
  safe.name = err.name;
  if (stack) safe.stack = stack;
  return safe;
}
