import { z } from "zod";
import { defineConnector, type UpstreamVerdict } from "../types.ts";

/**
 * Railway's public GraphQL API (https://docs.railway.com/reference/public-api), RAILWAY_TOKEN as
 * a bearer token. Every operation is one POST of `{query, variables}`; GraphQL reports failures
 * in `errors` of a 200, which inspect() maps. Infrastructure: admins only.
 */
const Id = z.string().uuid("a Railway id (UUID)");
const edges = (conn: any) => (Array.isArray(conn?.edges) ? conn.edges.map((e: any) => e?.node) : conn);

function inspect(body: any): UpstreamVerdict | undefined {
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  if (errors.length === 0) return undefined;
  const message = typeof errors[0]?.message === "string" ? errors[0].message : "GraphQL error";
  if (/not authori[sz]ed|unauthori[sz]ed|authentication/i.test(message)) return { status: 401, message };
  if (/not found/i.test(message)) return { status: 404, message };
  if (/rate limit/i.test(message)) return { status: 429, message };
  // A query that did run but produced no data is the service's failure, not the caller's.
  return { status: body?.data ? 422 : 502, message };
}

const Project = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  createdAt: z.string().optional(),
});
const Service = z.object({ id: z.string(), name: z.string() });
const Deployment = z.object({
  id: z.string(),
  status: z.string(),
  createdAt: z.string(),
  staticUrl: z.string().nullable().optional(),
});
const gql = (query: string, variables: Record<string, unknown> = {}) => ({
  method: "POST" as const,
  path: "",
  graphql: { query, variables },
});

export const railway = defineConnector({
  name: "railway",
  title: "Railway",
  requires: ["RAILWAY_TOKEN"],
  baseUrl: (c) => c.RAILWAY_API_URL,
  auth: { kind: "bearer", token: "RAILWAY_TOKEN" },
  encoding: "graphql",
  errorMessage: (b) => (typeof b?.errors?.[0]?.message === "string" ? b.errors[0].message : undefined),
  inspect,
  probe: "me",
  operations: [
    {
      id: "me",
      method: "get",
      path: "/me",
      summary: "The account the token belongs to",
      access: "admin",
      output: z.object({ id: z.string(), name: z.string().nullable() }),
      request: () => gql("query { me { id name } }"),
      map: (b: any) => b?.data?.me,
      cacheTtl: 60,
    },
    {
      id: "projects",
      method: "get",
      path: "/projects",
      summary: "Projects",
      access: "admin",
      output: z.array(Project),
      request: () => gql("query { projects { edges { node { id name description createdAt } } } }"),
      map: (b: any) => edges(b?.data?.projects),
      cacheTtl: 30,
    },
    {
      id: "project",
      method: "get",
      path: "/projects/{id}",
      summary: "One project with its services and environments",
      access: "admin",
      params: z.object({ id: Id }),
      output: Project.extend({ services: z.array(Service), environments: z.array(Service) }),
      request: ({ params }) =>
        gql(
          "query ($id: String!) { project(id: $id) { id name description createdAt services { edges { node { id name } } } environments { edges { node { id name } } } } }",
          { id: params.id },
        ),
      map: (b: any) => {
        const p = b?.data?.project;
        return p ? { ...p, services: edges(p.services), environments: edges(p.environments) } : p;
      },
    },
    {
      id: "projectServices",
      method: "get",
      path: "/projects/{id}/services",
      summary: "Services of a project",
      access: "admin",
      params: z.object({ id: Id }),
      output: z.array(Service),
      request: ({ params }) =>
        gql("query ($id: String!) { project(id: $id) { services { edges { node { id name } } } } }", { id: params.id }),
      map: (b: any) => edges(b?.data?.project?.services),
    },
    {
      id: "deployments",
      method: "get",
      path: "/services/{id}/deployments",
      summary: "Recent deployments of a service",
      access: "admin",
      params: z.object({ id: Id }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
      output: z.array(Deployment),
      request: ({ params, query }) =>
        gql(
          "query ($input: DeploymentListInput!, $first: Int) { deployments(input: $input, first: $first) { edges { node { id status createdAt staticUrl } } } }",
          {
            input: { serviceId: params.id },
            first: query.limit,
          },
        ),
      map: (b: any) => edges(b?.data?.deployments),
    },
    {
      id: "deploy",
      method: "post",
      path: "/services/{id}/deploy",
      summary: "Redeploy a service in an environment",
      access: "admin",
      status: 202,
      params: z.object({ id: Id }),
      body: z.strictObject({ environment_id: Id }),
      output: z.object({ accepted: z.boolean() }),
      request: ({ params, body }) =>
        gql(
          "mutation ($serviceId: String!, $environmentId: String!) { serviceInstanceRedeploy(serviceId: $serviceId, environmentId: $environmentId) }",
          {
            serviceId: params.id,
            environmentId: body.environment_id,
          },
        ),
      map: (b: any) => ({ accepted: b?.data?.serviceInstanceRedeploy }),
    },
    {
      id: "setVariable",
      method: "post",
      path: "/projects/{id}/variables",
      summary: "Set a variable (the value is sent to Railway and never returned)",
      access: "admin",
      status: 201,
      params: z.object({ id: Id }),
      body: z.strictObject({
        environment_id: Id,
        service_id: Id.optional(),
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "a variable name"),
        value: z.string().max(32_768),
      }),
      output: z.object({ name: z.string(), saved: z.boolean() }),
      request: ({ params, body }) =>
        gql("mutation ($input: VariableUpsertInput!) { variableUpsert(input: $input) }", {
          input: {
            projectId: params.id,
            environmentId: body.environment_id,
            serviceId: body.service_id,
            name: body.name,
            value: body.value,
          },
        }),
      map: (b: any, { body }) => ({ name: body.name, saved: b?.data?.variableUpsert }),
    },
  ],
});
