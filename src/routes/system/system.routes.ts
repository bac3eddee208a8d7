import { createRoute } from "@hono/zod-openapi";
import { ApiIndexSchema, PublicConfigSchema, VersionSchema } from "./system.schemas.ts";

const versionResponse = { 200: { description: "Build information", content: { "application/json": { schema: VersionSchema } } } };

export const version = createRoute({
  method: "get",
  path: "/version",
  tags: ["System"],
  summary: "Version, build time, environment and git sha",
  responses: versionResponse,
});

export const systemVersion = createRoute({
  method: "get",
  path: "/api/system/version",
  tags: ["System"],
  summary: "Version, build time, environment and git sha",
  responses: versionResponse,
});

export const publicConfig = createRoute({
  method: "get",
  path: "/api/system/config/public",
  tags: ["System"],
  summary: "Public configuration: features, limits and which external services are configured (never a secret)",
  responses: { 200: { description: "Public configuration", content: { "application/json": { schema: PublicConfigSchema } } } },
});

export const apiIndex = createRoute({
  method: "get",
  path: "/api",
  tags: ["System"],
  summary: "Index of the API's sections and documentation links",
  responses: { 200: { description: "API index", content: { "application/json": { schema: ApiIndexSchema } } } },
});
