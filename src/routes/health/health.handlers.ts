import { integrations } from "../../config.ts";
import { checkPostgres, checkRedis, checkRoadChain } from "../../services/dependency-checks.ts";
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
  const configured = Object.fromEntries(
    Object.entries(integrations(c.var.config)).map(([name, on]) => [name, { configured: on }]),
  );
  const body = {
    status,
    service: SERVICE_NAME,
    environment: c.var.config.ENVIRONMENT,
    version: APP_VERSION,
    timestamp: new Date().toISOString(),
    checks,
    integrations: configured,
  };
  c.header("Cache-Control", "no-store");
  return status === "unhealthy" ? c.json(body, 503) : c.json(body, 200);
};
