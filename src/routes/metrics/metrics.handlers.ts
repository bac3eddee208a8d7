import { ApiError, serviceUnavailable } from "../../lib/errors.ts";
import { flushMetrics, readTotals, renderExposition } from "../../lib/metrics/index.ts";
import { scrapeGauges } from "../../services/metrics/scrape-gauges.ts";
import type { AppRouteHandler } from "../../types.ts";
import type { scrapeMetrics } from "./metrics.routes.ts";

const encoder = new TextEncoder();

/** Constant-time comparison of two strings' UTF-8 bytes (length leaks, content does not). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = [encoder.encode(given), encoder.encode(expected)];
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

export const getMetrics: AppRouteHandler<typeof scrapeMetrics> = async (c) => {
  const token = c.var.config.METRICS_TOKEN;
  if (!token) {
    throw serviceUnavailable(
      "Metrics are not configured: set METRICS_TOKEN (a random secret the scraper sends as a bearer token)",
      "metrics-not-configured",
    );
  }
  const given = /^Bearer (.+)$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  if (!(await sameSecret(given, token))) {
    throw new ApiError(401, "unauthorized", "A valid metrics token is required", {
      headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
    });
  }
  const { db, redis } = c.var.services;
  let body: string;
  try {
    await flushMetrics(redis); // this isolate's own counts are part of the answer
    const [totals, gauges] = await Promise.all([readTotals(redis), scrapeGauges(db, redis)]);
    for (const [series, value] of gauges) totals.set(series, value);
    totals.set("blackroad_up", 1);
    body = renderExposition(totals);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    console.error(
      JSON.stringify({
        level: "error",
        msg: "metrics scrape failed",
        request_id: c.var.requestId,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    throw serviceUnavailable("The metric store is unreachable; retry shortly", "metrics-unavailable");
  }
  return c.text(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" });
};
