import { serviceUnavailable } from "../../lib/errors.ts";
import { flushMetrics, readMinutes } from "../../lib/metrics/index.ts";
import { buildTimeline } from "../../services/metrics/timeline.ts";
import type { AppRouteHandler } from "../../types.ts";
import type { observabilityTimeline } from "./observability.routes.ts";

export const getTimeline: AppRouteHandler<typeof observabilityTimeline> = async (c) => {
  if (!c.var.config.METRICS_TOKEN) {
    throw serviceUnavailable("Metrics are not configured: set METRICS_TOKEN to collect them", "metrics-not-configured");
  }
  const redis = c.var.services.redis;
  await flushMetrics(redis); // this isolate's latest counts belong in the picture
  const timeline = buildTimeline(await readMinutes(redis, 60));
  c.header("Cache-Control", "no-store");
  return c.json(timeline, 200);
};
