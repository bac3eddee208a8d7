import { z } from "zod";
import { defineConnector } from "../types.ts";

/**
 * Vercel REST API (https://vercel.com/docs/rest-api), VERCEL_TOKEN as a bearer token and
 * VERCEL_TEAM_ID (when set) as `teamId` on every call. Deployments, domains and environment
 * variables are infrastructure: admins only. Environment variable values are never returned.
 */
const ProjectId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "a project id or name");
const Limit = z.coerce.number().int().min(1).max(100).default(20);
const Target = z.enum(["production", "preview", "development"]);
const team = (c: { VERCEL_TEAM_ID?: string | undefined }) => ({ teamId: c.VERCEL_TEAM_ID });
const enc = encodeURIComponent;

const Project = z.object({
  id: z.string(),
  name: z.string(),
  framework: z.string().nullable().optional(),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
});
const Deployment = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string().nullable(),
  state: z.string().nullable(),
  target: z.string().nullable().optional(),
  created: z.number().nullable(),
});
const deploymentJson = (d: any) =>
  d && typeof d === "object"
    ? {
        ...d,
        id: d.uid ?? d.id,
        state: d.state ?? d.readyState ?? null,
        created: d.created ?? d.createdAt ?? null,
        url: d.url ?? null,
      }
    : d;
const Env = z.object({ id: z.string(), key: z.string(), target: z.array(z.string()), type: z.string() });
const envJson = (e: any) =>
  e && typeof e === "object"
    ? { id: e.id, key: e.key, type: e.type, target: Array.isArray(e.target) ? e.target : e.target ? [e.target] : [] }
    : e;

export const vercel = defineConnector({
  name: "vercel",
  title: "Vercel",
  requires: ["VERCEL_TOKEN"],
  optional: ["VERCEL_TEAM_ID"],
  baseUrl: (c) => c.VERCEL_API_URL,
  auth: { kind: "bearer", token: "VERCEL_TOKEN" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.error?.message === "string" ? b.error.message : undefined),
  probe: "user",
  operations: [
    {
      id: "user",
      method: "get",
      path: "/user",
      summary: "The account the token belongs to",
      access: "admin",
      output: z.object({ id: z.string(), username: z.string() }),
      request: () => ({ method: "GET", path: "/v2/user" }),
      map: (b: any) => b?.user,
      cacheTtl: 60,
    },
    {
      id: "projects",
      method: "get",
      path: "/projects",
      summary: "Projects",
      access: "admin",
      query: z.object({ limit: Limit }),
      output: z.array(Project),
      request: ({ query }, c) => ({ method: "GET", path: "/v9/projects", query: { ...query, ...team(c) } }),
      map: (b: any) => b?.projects,
      cacheTtl: 30,
    },
    {
      id: "project",
      method: "get",
      path: "/projects/{id}",
      summary: "One project",
      access: "admin",
      params: z.object({ id: ProjectId }),
      output: Project,
      request: ({ params }, c) => ({ method: "GET", path: `/v9/projects/${enc(params.id)}`, query: team(c) }),
    },
    {
      id: "deployments",
      method: "get",
      path: "/deployments",
      summary: "Recent deployments (optionally of one project)",
      access: "admin",
      query: z.object({ limit: Limit, project_id: ProjectId.optional(), target: Target.optional() }),
      output: z.array(Deployment),
      request: ({ query }, c) => ({
        method: "GET",
        path: "/v6/deployments",
        query: { limit: query.limit, projectId: query.project_id, target: query.target, ...team(c) },
      }),
      map: (b: any) => (Array.isArray(b?.deployments) ? b.deployments.map(deploymentJson) : b?.deployments),
      cacheTtl: 15,
    },
    {
      id: "deployment",
      method: "get",
      path: "/deployments/{id}",
      summary: "One deployment",
      access: "admin",
      params: z.object({
        id: z.string().regex(/^(dpl_[A-Za-z0-9]{1,64}|[A-Za-z0-9.-]{1,253})$/, "a deployment id (dpl_…) or URL"),
      }),
      output: Deployment,
      request: ({ params }, c) => ({ method: "GET", path: `/v13/deployments/${enc(params.id)}`, query: team(c) }),
      map: deploymentJson,
    },
    {
      id: "createDeployment",
      method: "post",
      path: "/deployments",
      summary: "Redeploy an existing deployment (to production or preview)",
      access: "admin",
      status: 201,
      body: z.strictObject({
        name: ProjectId,
        deployment_id: z.string().regex(/^dpl_[A-Za-z0-9]{1,64}$/, "the deployment to redeploy (dpl_…)"),
        target: z.enum(["production", "preview"]).optional(),
      }),
      output: Deployment,
      request: ({ body }, c) => ({
        method: "POST",
        path: "/v13/deployments",
        query: team(c),
        json: { name: body.name, deploymentId: body.deployment_id, target: body.target },
      }),
      map: deploymentJson,
    },
    {
      id: "domains",
      method: "get",
      path: "/domains",
      summary: "Domains",
      access: "admin",
      query: z.object({ limit: Limit }),
      output: z.array(z.object({ name: z.string(), verified: z.boolean(), createdAt: z.number().optional() })),
      request: ({ query }, c) => ({ method: "GET", path: "/v5/domains", query: { ...query, ...team(c) } }),
      map: (b: any) => b?.domains,
      cacheTtl: 30,
    },
    {
      id: "addDomain",
      method: "post",
      path: "/projects/{id}/domains",
      summary: "Add a domain to a project",
      access: "admin",
      status: 201,
      params: z.object({ id: ProjectId }),
      body: z.strictObject({
        name: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, "a domain name"),
      }),
      output: z.object({ name: z.string(), verified: z.boolean() }),
      request: ({ params, body }, c) => ({
        method: "POST",
        path: `/v10/projects/${enc(params.id)}/domains`,
        query: team(c),
        json: { name: body.name },
      }),
    },
    {
      id: "env",
      method: "get",
      path: "/projects/{id}/env",
      summary: "Environment variables of a project (names and targets; never values)",
      access: "admin",
      params: z.object({ id: ProjectId }),
      output: z.array(Env),
      request: ({ params }, c) => ({ method: "GET", path: `/v9/projects/${enc(params.id)}/env`, query: team(c) }),
      map: (b: any) => (Array.isArray(b?.envs) ? b.envs.map(envJson) : b?.envs),
    },
    {
      id: "createEnv",
      method: "post",
      path: "/projects/{id}/env",
      summary: "Add an encrypted environment variable (the value is never returned)",
      access: "admin",
      status: 201,
      params: z.object({ id: ProjectId }),
      body: z.strictObject({
        key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,255}$/, "a variable name"),
        value: z.string().max(65_536),
        target: z.array(Target).min(1).max(3).default(["production", "preview", "development"]),
      }),
      output: Env,
      request: ({ params, body }, c) => ({
        method: "POST",
        path: `/v10/projects/${enc(params.id)}/env`,
        query: team(c),
        json: { key: body.key, value: body.value, target: body.target, type: "encrypted" },
      }),
      map: (b: any) => envJson(Array.isArray(b?.created) ? b.created[0] : (b?.created ?? b)),
    },
  ],
});
