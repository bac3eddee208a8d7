import { z } from "zod";
import { defineConnector } from "../types.ts";

/**
 * Sentry (https://docs.sentry.io/api/), SENTRY_AUTH_TOKEN as a bearer token, within SENTRY_ORG.
 * Error reports can carry user data: admins only.
 */
const Slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "a project slug");
const P = z.object({ project: Slug });
const org = (c: { SENTRY_ORG?: string | undefined }) => encodeURIComponent(c.SENTRY_ORG ?? "");
const Release = z.object({
  version: z.string(),
  shortVersion: z.string().optional(),
  dateCreated: z.string(),
  dateReleased: z.string().nullable().optional(),
  newGroups: z.number().optional(),
});

export const sentry = defineConnector({
  name: "sentry",
  title: "Sentry",
  requires: ["SENTRY_AUTH_TOKEN", "SENTRY_ORG"],
  optional: ["SENTRY_DSN"],
  baseUrl: (c) => c.SENTRY_API_URL,
  auth: { kind: "bearer", token: "SENTRY_AUTH_TOKEN" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.detail === "string" ? b.detail : undefined),
  probe: "projects",
  operations: [
    {
      id: "projects",
      method: "get",
      path: "/projects",
      summary: "Projects of the organisation",
      access: "admin",
      output: z.array(
        z.object({
          id: z.string(),
          slug: z.string(),
          name: z.string(),
          platform: z.string().nullable().optional(),
          dateCreated: z.string(),
        }),
      ),
      request: (_, c) => ({ method: "GET", path: `/organizations/${org(c)}/projects/` }),
      cacheTtl: 60,
    },
    {
      id: "issues",
      method: "get",
      path: "/projects/{project}/issues",
      summary: "Unresolved issues of a project (Sentry's search syntax in ?query=)",
      access: "admin",
      params: P,
      query: z.object({
        query: z.string().max(500).default("is:unresolved"),
        statsPeriod: z.enum(["24h", "14d", ""]).default("24h"),
      }),
      output: z.array(
        z.object({
          id: z.string(),
          shortId: z.string(),
          title: z.string(),
          culprit: z.string().nullable().optional(),
          level: z.string(),
          status: z.string(),
          count: z.string(),
          userCount: z.number(),
          firstSeen: z.string(),
          lastSeen: z.string(),
          permalink: z.string(),
        }),
      ),
      request: ({ params, query }, c) => ({
        method: "GET",
        path: `/projects/${org(c)}/${params.project}/issues/`,
        query,
      }),
      cacheTtl: 30,
    },
    {
      id: "events",
      method: "get",
      path: "/projects/{project}/events",
      summary: "Recent error events of a project (summaries, no event payloads)",
      access: "admin",
      params: P,
      output: z.array(
        z.object({
          id: z.string(),
          eventID: z.string(),
          title: z.string(),
          dateCreated: z.string(),
          platform: z.string().nullable().optional(),
        }),
      ),
      request: ({ params }, c) => ({ method: "GET", path: `/projects/${org(c)}/${params.project}/events/` }),
      cacheTtl: 30,
    },
    {
      id: "releases",
      method: "get",
      path: "/projects/{project}/releases",
      summary: "Releases of a project",
      access: "admin",
      params: P,
      output: z.array(Release),
      request: ({ params }, c) => ({
        method: "GET",
        path: `/organizations/${org(c)}/releases/`,
        query: { project_slug: params.project },
      }),
      cacheTtl: 30,
    },
    {
      id: "createRelease",
      method: "post",
      path: "/releases",
      summary: "Create a release for one or more projects",
      access: "admin",
      status: 201,
      body: z.strictObject({
        version: z.string().regex(/^[^\s/\\]{1,200}$/, "no whitespace or slashes"),
        projects: z.array(Slug).min(1).max(20),
        ref: z.string().max(200).optional(),
      }),
      output: Release,
      request: ({ body }, c) => ({ method: "POST", path: `/organizations/${org(c)}/releases/`, json: body }),
    },
  ],
});
