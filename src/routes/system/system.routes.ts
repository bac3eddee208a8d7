import { routeKit } from "../route-kit.ts";
import { ApiIndexSchema, PublicConfigSchema, VersionSchema } from "./system.schemas.ts";

const { anyone } = routeKit("System", "Liveness, readiness, version, public configuration and metrics");

const versionResponse = {
  200: { description: "Build information", content: { "application/json": { schema: VersionSchema } } },
};

export const version = anyone({
  operationId: "getVersion",
  method: "get",
  path: "/version",
  summary: "Version, build time, environment and git sha",
  responses: versionResponse,
});

export const systemVersion = anyone({
  operationId: "getSystemVersion",
  method: "get",
  path: "/api/system/version",
  summary: "Version, build time, environment and git sha",
  responses: versionResponse,
});

export const publicConfig = anyone({
  operationId: "getPublicConfig",
  method: "get",
  path: "/api/system/config/public",
  summary: "Public configuration: features, limits and which external services are configured (never a secret)",
  responses: {
    200: { description: "Public configuration", content: { "application/json": { schema: PublicConfigSchema } } },
  },
});

export const apiIndex = anyone({
  operationId: "getApiIndex",
  method: "get",
  path: "/api",
  summary: "Index of the API's sections and documentation links",
  responses: { 200: { description: "API index", content: { "application/json": { schema: ApiIndexSchema } } } },
});
