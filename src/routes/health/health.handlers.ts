import { integrations } from "../../config.ts";
import { checkPostgres, checkRedis, checkRoadChain } from "../../services/dependency-checks.ts";
import { configuredIntegrations } from "../../services/integrations/status.ts";
import type { AppRouteHandler } from "../../types.ts";
import { APP_VERSION, SERVICE_NAME } from "../../version.ts";
import type { health, healthSummary } from "./health.routes.ts";

export const getHealth: AppRouteHandler<typeof health> = (c) =>
  c.json(
    {
      status: "healthy" as const,
      service: SERVICE_NAME,
      environment: c.var.config.ENVIRONMENT,
      version: APP_VERSION,
      timestamp: new Date().toISOString(),
    },
    200,
  );

export const getHealthSummary: AppRouteHandler<typeof healthSummary> = async (c) => {
  const { db, redis } = c.var.services;
  const [postgres, redisCheck, roadchain] = await Promise.all([
    checkPostgres(db),
    checkRedis(redis),
    checkRoadChain(c.env.ROADCHAIN),
  ]);
  const checks = { postgres, redis: redisCheck, roadchain };
  const all = Object.values(checks);
  const status = all.some((x) => x.status === "down")
    ? ("unhealthy" as const)
    : all.some((x) => x.status === "slow")
      ? ("degraded" as const)
      : ("healthy" as const);
  // Configuration only: readiness never calls an external service (GET /api/health/all probes them).
  const flags = { ...integrations(c.var.config), ...configuredIntegrations(c.var.config) };
  const configured = Object.fromEntries(Object.entries(flags).map(([name, on]) => [name, { configured: on }]));
  const on = Object.values(flags).filter(Boolean).length;
  const body = {
    status,
    service: SERVICE_NAME,
    environment: c.var.config.ENVIRONMENT,
    version: APP_VERSION,
    timestamp: new Date().toISOString(),
    checks,
    integrations: configured,
    integration_counts: {
      total: Object.keys(flags).length,
      configured: on,
      not_configured: Object.keys(flags).length - on,
    },
  };
  c.header("Cache-Control", "no-store");
  return status === "unhealthy" ? c.json(body, 503) : c.json(body, 200);
};
