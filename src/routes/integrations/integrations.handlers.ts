import type { Context } from "hono";
import { notFound } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import { isActiveAdmin } from "../../services/auth/users.ts";
import { callOperation } from "../../services/integrations/executor.ts";
import { CONNECTORS, connectorByName } from "../../services/integrations/registry.ts";
import { type IntegrationStatus, integrationStatus } from "../../services/integrations/status.ts";
import type { Connector, Operation } from "../../services/integrations/types.ts";
import type { AppBindings } from "../../types.ts";

type Ctx = Context<AppBindings, any, any>;

/** Admin routes passed requireAdmin already; for user routes, an admin sees private results too. */
async function callerIsAdmin(c: Ctx, op: Operation): Promise<boolean> {
  if (op.access === "admin") return true;
  return isActiveAdmin(c.var.services.db, getAuth(c).userId);
}

/** The one handler behind every generated operation route. */
export function operationHandler(connector: Connector, op: Operation) {
  return async (c: Ctx) => {
    const valid = (target: "param" | "query" | "json") =>
      ((c.req.valid as (t: string) => unknown)(target) ?? {}) as Record<string, unknown>;
    const input = {
      params: op.params ? valid("param") : {},
      query: op.query ? valid("query") : {},
      body: op.body ? valid("json") : {},
    };
    const { value, cache } = await callOperation(
      {
        config: c.var.config,
        redis: c.var.services.redis,
        requestId: c.var.requestId,
        isAdmin: await callerIsAdmin(c, op),
        idempotencyKey: op.idempotencyKey ? c.req.header("Idempotency-Key") : undefined,
      },
      connector,
      op,
      input,
    );
    if (cache) c.header("X-Cache", cache);
    // The organisation's data: never stored by a shared cache.
    c.header("Cache-Control", "private, no-store");
    const status = op.status ?? 200;
    return status === 204 ? c.body(null, 204) : c.json(value as object, status);
  };
}

const statusOf = (c: Ctx, connector: Connector) =>
  integrationStatus({ config: c.var.config, redis: c.var.services.redis, requestId: c.var.requestId }, connector);

export function statusHandler(connector: Connector) {
  return async (c: Ctx) => c.json(await statusOf(c, connector), 200);
}

export function healthHandler(connector: Connector) {
  return async (c: Ctx) => {
    const s = await statusOf(c, connector);
    const status = s.status === "connected" ? "operational" : s.status;
    return c.json(
      { service: connector.name, status, latency_ms: s.latency_ms, timestamp: new Date().toISOString() },
      200,
    );
  };
}

export async function allStatuses(c: Ctx): Promise<IntegrationStatus[]> {
  return Promise.all(CONNECTORS.map((connector) => statusOf(c, connector)));
}

export async function healthAll(c: Ctx) {
  const list = await allStatuses(c);
  const count = (s: IntegrationStatus["status"]) => list.filter((x) => x.status === s).length;
  const connected = count("connected");
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      // As the original: all connected → healthy, at least one → degraded, none → unhealthy.
      status:
        connected === list.length
          ? ("healthy" as const)
          : connected > 0
            ? ("degraded" as const)
            : ("unhealthy" as const),
      timestamp: new Date().toISOString(),
      total_apis: list.length,
      connected_apis: connected,
      not_configured_apis: count("not_configured"),
      error_apis: count("error"),
      apis: Object.fromEntries(list.map((s) => [s.name, s])),
    },
    200,
  );
}

export async function healthOne(c: Ctx) {
  const { name } = c.req.valid("param") as { name: string };
  const connector = connectorByName(name);
  if (!connector) throw notFound(`No integration named ${name}; known: ${CONNECTORS.map((x) => x.name).join(", ")}`);
  return c.json(await statusOf(c, connector), 200);
}
