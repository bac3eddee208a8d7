/**
 * Routes generated from the connector declarations (src/services/integrations/): one OpenAPI
 * operation per declared operation, plus `/status` and `/health` per service and the health
 * overview. Authorisation comes from each operation's `access`: `admin` → requireAuth +
 * requireAdmin (401/403); `user` → requireAuth + a per-user budget (401/429).
 */
import type { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { perUserLimit } from "../../middleware/user-rate-limit.ts";
import { CONNECTORS } from "../../services/integrations/registry.ts";
import type { Connector, Operation } from "../../services/integrations/types.ts";
import { json, routeKit } from "../route-kit.ts";
import {
  HealthAllSchema,
  HealthNameParams,
  IdempotencyHeaders,
  IntegrationHealthSchema,
  IntegrationStatusSchema,
} from "./integrations.schemas.ts";

/** Public-data reads: per user, on top of the per-IP limit. */
export const USER_READS_PER_MINUTE = 30;
const userBudget = perUserLimit("integrations", USER_READS_PER_MINUTE, "1 m");

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const kits = new Map(
  CONNECTORS.map((c) => [
    c.name,
    routeKit(c.title, `${c.title}, with the organisation's credentials (docs/integrations.md)`),
  ]),
);
const kitOf = (c: Connector) => kits.get(c.name)!;

export type GeneratedRoute = {
  connector: Connector;
  op: Operation;
  route: ReturnType<ReturnType<typeof routeKit>["admin"]>;
};

function operationRoute(connector: Connector, op: Operation): GeneratedRoute {
  const admin = op.access === "admin";
  const status = op.status ?? 200;
  const ok: Record<number, { description: string; content?: Record<string, { schema: z.ZodType }> }> =
    status === 204
      ? { 204: { description: "Done" } }
      : { [status]: json(op.output, "The service's answer, filtered to these fields") };
  const kit = kitOf(connector);
  const config = {
    operationId: `${connector.name}${capitalise(op.id)}`,
    method: op.method,
    path: `/api/${connector.name}${op.path}`,
    summary: op.summary,
    description: admin
      ? "Administrators only: acts with the organisation's credentials."
      : `Signed-in users, at most ${USER_READS_PER_MINUTE} per minute each.`,
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.idempotencyKey ? { headers: IdempotencyHeaders } : {}),
      ...(op.body ? { body: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
    },
    responses: { ...ok, ...problemResponses(404, 409, ...(op.body ? [413, 415] : []), 422, 502, 503, 504) },
  };
  const route = admin ? kit.admin(config) : kit.user({ ...config, middleware: [userBudget] });
  return { connector, op, route };
}

export const operationRoutes: GeneratedRoute[] = CONNECTORS.flatMap((c) =>
  c.operations.map((op) => operationRoute(c, op)),
);

export const statusRoutes = CONNECTORS.map((connector) => ({
  connector,
  status: kitOf(connector).anyone({
    operationId: `${connector.name}Status`,
    method: "get",
    path: `/api/${connector.name}/status`,
    summary: `Is ${connector.title} configured, and does it answer? (live probe, cached 60 s)`,
    responses: { 200: json(IntegrationStatusSchema, "Status") },
  }),
  health: kitOf(connector).anyone({
    operationId: `${connector.name}Health`,
    method: "get",
    path: `/api/${connector.name}/health`,
    summary: `${connector.title} health in one word (operational, not_configured, error)`,
    responses: { 200: json(IntegrationHealthSchema, "Health") },
  }),
}));

const overview = routeKit("Integrations", "Status of every external service at once (live probes, cached 60 s)");

export const healthAll = overview.anyone({
  operationId: "integrationsHealthAll",
  method: "get",
  path: "/api/health/all",
  summary: "Every external service: configured, connected (live probes, cached 60 s) or failing",
  responses: { 200: json(HealthAllSchema, "All services") },
});

export const healthOne = overview.anyone({
  operationId: "integrationsHealthOne",
  method: "get",
  path: "/api/health/{name}",
  summary: "One external service's status (name case-insensitive)",
  request: { params: HealthNameParams },
  responses: { 200: json(IntegrationStatusSchema, "Status"), ...problemResponses(404, 422) },
});
