/**
 * Integration status: configured or not (never calling out when not), and when configured a live
 * probe (the connector's cheapest read) with its latency, cached in Redis for STATUS_TTL seconds so
 * that status pages and anonymous health checks cannot turn into a flood of upstream calls.
 */
import type { AppConfig } from "../../config.ts";
import { ApiError } from "../../lib/errors.ts";
import type { Redis } from "../../lib/redis.ts";
import { callUpstream, findOperation, missingVars } from "./executor.ts";
import { CONNECTORS } from "./registry.ts";
import type { Connector } from "./types.ts";

export const STATUS_TTL = 60;

export type IntegrationStatus = {
  name: string;
  title: string;
  status: "connected" | "not_configured" | "error";
  configured: boolean;
  connected: boolean;
  message: string;
  /** Variables still to set (empty when configured). */
  missing: string[];
  /** `<VARIABLE>_configured` for the optional variables (never their values). */
  configuration: Record<string, boolean>;
  latency_ms: number | null;
  last_checked: string;
  cached: boolean;
  error: string | null;
};

type Probe = Pick<IntegrationStatus, "status" | "connected" | "message" | "latency_ms" | "last_checked" | "error">;

const statusKey = (name: string) => `integrations:status:${name}`;

export async function integrationStatus(
  deps: { config: AppConfig; redis: Redis; requestId: string },
  connector: Connector,
): Promise<IntegrationStatus> {
  const missing = missingVars(deps.config, connector);
  const configuration = Object.fromEntries(
    [...connector.requires, ...(connector.optional ?? [])].map((v) => [
      `${v.toLowerCase()}_configured`,
      Boolean(deps.config[v]),
    ]),
  );
  const base = {
    name: connector.name,
    title: connector.title,
    configured: missing.length === 0,
    missing,
    configuration,
  };
  if (missing.length) {
    return {
      ...base,
      status: "not_configured",
      connected: false,
      message: `Not configured: set ${missing.join(", ")}`,
      latency_ms: null,
      last_checked: new Date().toISOString(),
      cached: false,
      error: null,
    };
  }
  const cached = await deps.redis.get<string>(statusKey(connector.name)).catch(() => null);
  if (typeof cached === "string") return { ...base, ...(JSON.parse(cached) as Probe), cached: true };

  const started = Date.now();
  let probe: Probe;
  try {
    await callUpstream(
      { config: deps.config, requestId: deps.requestId, isAdmin: true },
      connector,
      findOperation(connector, connector.probe),
      {
        params: {},
        query: {},
        body: {},
      },
    );
    probe = {
      status: "connected",
      connected: true,
      message: `${connector.title} answered`,
      latency_ms: Date.now() - started,
      last_checked: new Date().toISOString(),
      error: null,
    };
  } catch (err) {
    // The problem's detail is already free of secrets and upstream bodies.
    const detail = err instanceof ApiError ? err.detail : "the probe failed";
    probe = {
      status: "error",
      connected: false,
      message: detail,
      latency_ms: Date.now() - started,
      last_checked: new Date().toISOString(),
      error: detail,
    };
  }
  await deps.redis.set(statusKey(connector.name), JSON.stringify(probe), { ex: STATUS_TTL }).catch(() => undefined);
  return { ...base, ...probe, cached: false };
}

/** Configured or not, per integration, without calling anything (for readiness and public config). */
export function configuredIntegrations(config: AppConfig): Record<string, boolean> {
  return Object.fromEntries(CONNECTORS.map((c) => [c.name, missingVars(config, c).length === 0]));
}
