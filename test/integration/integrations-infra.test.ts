/**
 * Railway (GraphQL), Vercel, DigitalOcean, Cloudflare, Sentry and Hugging Face against fakes at
 * the network edge: each operation's exact upstream request and our filtered answer; Hugging Face's
 * public-only view for non-admins.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONFIGURED, installFakeUpstreams, SECRETS, type UpstreamCall } from "../helpers/fake-upstream.ts";
import { call, clearIntegrationCache, createAdmin, type HappyCase, runHappyCase } from "../helpers/integrations.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const fake = installFakeUpstreams();
afterAll(() => fake.uninstall());
beforeEach(() => fake.reset());

let admin: TestUser;
let user: TestUser;
beforeAll(async () => {
  [admin, user] = await Promise.all([createAdmin(), createUser(), clearIntegrationCache()]);
});

const bearer = (token: string) => (h: Headers) => expect(h.get("authorization")).toBe(`Bearer ${token}`);
function suite(title: string, auth: (h: Headers) => void, cases: HappyCase[]) {
  describe(`${title} against a fake ${title}`, () => {
    for (const c of cases)
      it(`${c.name}: the exact upstream request, our filtered answer`, () =>
        runHappyCase(fake, c, { admin, user }, auth));
  });
}

// ------------------------------------------------------------------------------------------ Railway
const P = "11111111-1111-4111-8111-111111111111";
const S = "22222222-2222-4222-8222-222222222222";
const E = "33333333-3333-4333-8333-333333333333";
const graphql = (call: UpstreamCall) => JSON.parse(call.body) as { query: string; variables: Record<string, unknown> };
/** Railway cases: every request is POST /graphql/v2; the expectation names the GraphQL field asked for. */
function railwayCase(
  name: string,
  method: string,
  path: string,
  json: unknown,
  field: string,
  variables: Record<string, unknown>,
  data: unknown,
  status: number,
  response: unknown,
): HappyCase {
  return {
    name,
    as: "admin",
    method,
    path,
    json,
    route: "POST railway/graphql/v2",
    reply: (c) => {
      const q = graphql(c);
      expect(q.query).toContain(field);
      expect(q.variables).toEqual(variables);
      return Response.json({ data });
    },
    upstream: {
      method: "POST",
      path: "railway/graphql/v2",
      json: { query: expect.stringContaining(field), variables },
    },
    status,
    response,
  };
}
suite("Railway", bearer(SECRETS.RAILWAY_TOKEN), [
  railwayCase(
    "me",
    "GET",
    "/api/railway/me",
    undefined,
    "me {",
    {},
    { me: { id: "u1", name: "Ada", email: "ada@example.com" } },
    200,
    { id: "u1", name: "Ada" },
  ),
  railwayCase(
    "projects",
    "GET",
    "/api/railway/projects",
    undefined,
    "projects {",
    {},
    {
      projects: { edges: [{ node: { id: P, name: "api", description: null, createdAt: "2026-01-01", teamId: "t" } }] },
    },
    200,
    [{ id: P, name: "api", description: null, createdAt: "2026-01-01" }],
  ),
  railwayCase(
    "project",
    "GET",
    `/api/railway/projects/${P}`,
    undefined,
    "project(id: $id)",
    { id: P },
    {
      project: {
        id: P,
        name: "api",
        description: "d",
        createdAt: "2026-01-01",
        services: { edges: [{ node: { id: S, name: "web" } }] },
        environments: { edges: [{ node: { id: E, name: "production" } }] },
      },
    },
    200,
    {
      id: P,
      name: "api",
      description: "d",
      createdAt: "2026-01-01",
      services: [{ id: S, name: "web" }],
      environments: [{ id: E, name: "production" }],
    },
  ),
  railwayCase(
    "project services",
    "GET",
    `/api/railway/projects/${P}/services`,
    undefined,
    "services {",
    { id: P },
    { project: { services: { edges: [{ node: { id: S, name: "web" } }] } } },
    200,
    [{ id: S, name: "web" }],
  ),
  railwayCase(
    "deployments",
    "GET",
    `/api/railway/services/${S}/deployments?limit=3`,
    undefined,
    "deployments(input: $input",
    { input: { serviceId: S }, first: 3 },
    {
      deployments: {
        edges: [
          { node: { id: "d1", status: "SUCCESS", createdAt: "2026-01-02", staticUrl: "api.up.railway.app", meta: {} } },
        ],
      },
    },
    200,
    [{ id: "d1", status: "SUCCESS", createdAt: "2026-01-02", staticUrl: "api.up.railway.app" }],
  ),
  railwayCase(
    "deploy",
    "POST",
    `/api/railway/services/${S}/deploy`,
    { environment_id: E },
    "serviceInstanceRedeploy",
    { serviceId: S, environmentId: E },
    { serviceInstanceRedeploy: true },
    202,
    { accepted: true },
  ),
  railwayCase(
    "set variable (the value is never echoed)",
    "POST",
    `/api/railway/projects/${P}/variables`,
    { environment_id: E, service_id: S, name: "API_KEY", value: "v-secret" },
    "variableUpsert",
    { input: { projectId: P, environmentId: E, serviceId: S, name: "API_KEY", value: "v-secret" } },
    { variableUpsert: true },
    201,
    { name: "API_KEY", saved: true },
  ),
]);

describe("Railway: GraphQL errors inside a 200", () => {
  it("'Not Authorized' → 502 credentials; 'not found' → 404; other errors without data → 502", async () => {
    for (const [message, status] of [
      ["Not Authorized", 502],
      ["Project not found", 404],
      ["Internal failure", 502],
    ] as const) {
      fake.reset();
      fake.on("POST railway/graphql/v2", () => Response.json({ errors: [{ message }], data: null }));
      const r = await call(admin, `/api/railway/projects/${P}`);
      expect(r.status, r.text).toBe(status);
    }
  });
});

// ------------------------------------------------------------------------------------------ Vercel
const T = { teamId: CONFIGURED.VERCEL_TEAM_ID! };
const dep = {
  uid: "dpl_abc",
  name: "site",
  url: "site-abc.vercel.app",
  state: "READY",
  target: "production",
  created: 1700000000000,
  creator: { uid: "u", email: "e@example.com" },
  meta: { githubCommitSha: "x" },
};
const ourDep = {
  id: "dpl_abc",
  name: "site",
  url: "site-abc.vercel.app",
  state: "READY",
  target: "production",
  created: 1700000000000,
};
suite("Vercel", bearer(SECRETS.VERCEL_TOKEN), [
  {
    name: "user",
    as: "admin",
    path: "/api/vercel/user",
    route: "GET vercel/v2/user",
    reply: () => Response.json({ user: { id: "u1", username: "ada", email: "ada@example.com" } }),
    upstream: { method: "GET", path: "vercel/v2/user" },
    status: 200,
    response: { id: "u1", username: "ada" },
  },
  {
    name: "projects (teamId on every call)",
    as: "admin",
    path: "/api/vercel/projects?limit=5",
    route: "GET vercel/v9/projects",
    reply: () =>
      Response.json({
        projects: [
          {
            id: "prj_1",
            name: "site",
            framework: "nextjs",
            updatedAt: 2,
            createdAt: 1,
            env: [{ key: "K", value: "secret" }],
          },
        ],
        pagination: {},
      }),
    upstream: { method: "GET", path: "vercel/v9/projects", query: { limit: "5", ...T } },
    status: 200,
    response: [{ id: "prj_1", name: "site", framework: "nextjs", updatedAt: 2, createdAt: 1 }],
  },
  {
    name: "project",
    as: "admin",
    path: "/api/vercel/projects/prj_1",
    route: "GET vercel/v9/projects/prj_1",
    reply: () => Response.json({ id: "prj_1", name: "site", framework: null, env: [] }),
    upstream: { method: "GET", path: "vercel/v9/projects/prj_1", query: T },
    status: 200,
    response: { id: "prj_1", name: "site", framework: null },
  },
  {
    name: "deployments",
    as: "admin",
    path: "/api/vercel/deployments?project_id=prj_1&target=production",
    route: "GET vercel/v6/deployments",
    reply: () => Response.json({ deployments: [dep], pagination: {} }),
    upstream: {
      method: "GET",
      path: "vercel/v6/deployments",
      query: { limit: "20", projectId: "prj_1", target: "production", ...T },
    },
    status: 200,
    response: [ourDep],
  },
  {
    name: "deployment",
    as: "admin",
    path: "/api/vercel/deployments/dpl_abc",
    route: "GET vercel/v13/deployments/dpl_abc",
    reply: () =>
      Response.json({
        id: "dpl_abc",
        name: "site",
        url: "site-abc.vercel.app",
        readyState: "READY",
        target: "production",
        createdAt: 1700000000000,
        build: { env: ["X"] },
      }),
    upstream: { method: "GET", path: "vercel/v13/deployments/dpl_abc", query: T },
    status: 200,
    response: ourDep,
  },
  {
    name: "create deployment (redeploy)",
    as: "admin",
    method: "POST",
    path: "/api/vercel/deployments",
    json: { name: "site", deployment_id: "dpl_abc", target: "production" },
    route: "POST vercel/v13/deployments",
    reply: () =>
      Response.json({
        id: "dpl_new",
        name: "site",
        url: "site-new.vercel.app",
        readyState: "QUEUED",
        target: "production",
        createdAt: 1,
      }),
    upstream: {
      method: "POST",
      path: "vercel/v13/deployments",
      query: T,
      json: { name: "site", deploymentId: "dpl_abc", target: "production" },
    },
    status: 201,
    response: {
      id: "dpl_new",
      name: "site",
      url: "site-new.vercel.app",
      state: "QUEUED",
      target: "production",
      created: 1,
    },
  },
  {
    name: "domains",
    as: "admin",
    path: "/api/vercel/domains",
    route: "GET vercel/v5/domains",
    reply: () =>
      Response.json({ domains: [{ name: "blackroad.systems", verified: true, createdAt: 1, nameservers: [] }] }),
    upstream: { method: "GET", path: "vercel/v5/domains", query: { limit: "20", ...T } },
    status: 200,
    response: [{ name: "blackroad.systems", verified: true, createdAt: 1 }],
  },
  {
    name: "add domain",
    as: "admin",
    method: "POST",
    path: "/api/vercel/projects/prj_1/domains",
    json: { name: "www.blackroad.systems" },
    route: "POST vercel/v10/projects/prj_1/domains",
    reply: () => Response.json({ name: "www.blackroad.systems", verified: false, verification: [{ type: "TXT" }] }),
    upstream: {
      method: "POST",
      path: "vercel/v10/projects/prj_1/domains",
      query: T,
      json: { name: "www.blackroad.systems" },
    },
    status: 201,
    response: { name: "www.blackroad.systems", verified: false },
  },
  {
    name: "env (names and targets, never values)",
    as: "admin",
    path: "/api/vercel/projects/prj_1/env",
    route: "GET vercel/v9/projects/prj_1/env",
    reply: () =>
      Response.json({
        envs: [
          { id: "e1", key: "DATABASE_URL", value: "postgres://secret", target: ["production"], type: "encrypted" },
        ],
      }),
    upstream: { method: "GET", path: "vercel/v9/projects/prj_1/env", query: T },
    status: 200,
    response: [{ id: "e1", key: "DATABASE_URL", target: ["production"], type: "encrypted" }],
  },
  {
    name: "create env (encrypted; the value is not echoed)",
    as: "admin",
    method: "POST",
    path: "/api/vercel/projects/prj_1/env",
    json: { key: "API_KEY", value: "v-secret", target: ["production"] },
    route: "POST vercel/v10/projects/prj_1/env",
    reply: () =>
      Response.json({
        created: { id: "e2", key: "API_KEY", value: "v-secret", target: ["production"], type: "encrypted" },
      }),
    upstream: {
      method: "POST",
      path: "vercel/v10/projects/prj_1/env",
      query: T,
      json: { key: "API_KEY", value: "v-secret", target: ["production"], type: "encrypted" },
    },
    status: 201,
    response: { id: "e2", key: "API_KEY", target: ["production"], type: "encrypted" },
  },
]);

// ------------------------------------------------------------------------------------------ DigitalOcean
const droplet = {
  id: 7,
  name: "web-1",
  status: "active",
  memory: 1024,
  vcpus: 1,
  disk: 25,
  region: { slug: "ams3", name: "Amsterdam 3" },
  size_slug: "s-1vcpu-1gb",
  image: { slug: "ubuntu-24-04-x64", name: "Ubuntu" },
  networks: {
    v4: [
      { type: "private", ip_address: "10.0.0.2" },
      { type: "public", ip_address: "203.0.113.7" },
    ],
  },
  tags: ["web"],
  created_at: "2026-01-01T00:00:00Z",
  kernel: null,
};
const ourDroplet = {
  id: 7,
  name: "web-1",
  status: "active",
  memory: 1024,
  vcpus: 1,
  disk: 25,
  region: "ams3",
  size_slug: "s-1vcpu-1gb",
  image: "ubuntu-24-04-x64",
  public_ipv4: "203.0.113.7",
  tags: ["web"],
  created_at: "2026-01-01T00:00:00Z",
};
suite("DigitalOcean", bearer(SECRETS.DIGITALOCEAN_TOKEN), [
  {
    name: "account",
    as: "admin",
    path: "/api/digitalocean/account",
    route: "GET digitalocean/v2/account",
    reply: () =>
      Response.json({
        account: { uuid: "a1", email: "ops@example.com", status: "active", droplet_limit: 25, team: {} },
      }),
    upstream: { method: "GET", path: "digitalocean/v2/account" },
    status: 200,
    response: { uuid: "a1", email: "ops@example.com", status: "active", droplet_limit: 25 },
  },
  {
    name: "droplets",
    as: "admin",
    path: "/api/digitalocean/droplets?per_page=5",
    route: "GET digitalocean/v2/droplets",
    reply: () => Response.json({ droplets: [droplet], links: {}, meta: { total: 1 } }),
    upstream: { method: "GET", path: "digitalocean/v2/droplets", query: { page: "1", per_page: "5" } },
    status: 200,
    response: { droplets: [ourDroplet], total: 1 },
  },
  {
    name: "droplet",
    as: "admin",
    path: "/api/digitalocean/droplets/7",
    route: "GET digitalocean/v2/droplets/7",
    reply: () => Response.json({ droplet }),
    upstream: { method: "GET", path: "digitalocean/v2/droplets/7" },
    status: 200,
    response: ourDroplet,
  },
  {
    name: "create droplet",
    as: "admin",
    method: "POST",
    path: "/api/digitalocean/droplets",
    json: { name: "web-1", region: "ams3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web"] },
    route: "POST digitalocean/v2/droplets",
    reply: () => Response.json({ droplet, links: { actions: [] } }, { status: 202 }),
    upstream: {
      method: "POST",
      path: "digitalocean/v2/droplets",
      json: { name: "web-1", region: "ams3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web"] },
    },
    status: 202,
    response: ourDroplet,
  },
  {
    name: "delete droplet",
    as: "admin",
    method: "DELETE",
    path: "/api/digitalocean/droplets/7",
    route: "DELETE digitalocean/v2/droplets/7",
    reply: () => new Response(null, { status: 204 }),
    upstream: { method: "DELETE", path: "digitalocean/v2/droplets/7" },
    status: 204,
    response: null,
  },
  {
    name: "droplet action",
    as: "admin",
    method: "POST",
    path: "/api/digitalocean/droplets/7/actions/reboot",
    route: "POST digitalocean/v2/droplets/7/actions",
    reply: () =>
      Response.json(
        {
          action: {
            id: 99,
            status: "in-progress",
            type: "reboot",
            started_at: "2026-01-01T00:00:00Z",
            completed_at: null,
            resource_id: 7,
          },
        },
        { status: 201 },
      ),
    upstream: { method: "POST", path: "digitalocean/v2/droplets/7/actions", json: { type: "reboot" } },
    status: 202,
    response: { id: 99, status: "in-progress", type: "reboot", started_at: "2026-01-01T00:00:00Z", completed_at: null },
  },
  {
    name: "regions",
    as: "admin",
    path: "/api/digitalocean/regions",
    route: "GET digitalocean/v2/regions",
    reply: () => Response.json({ regions: [{ slug: "ams3", name: "Amsterdam 3", available: true, features: [] }] }),
    upstream: { method: "GET", path: "digitalocean/v2/regions", query: { per_page: "200" } },
    status: 200,
    response: [{ slug: "ams3", name: "Amsterdam 3", available: true }],
  },
  {
    name: "sizes",
    as: "admin",
    path: "/api/digitalocean/sizes",
    route: "GET digitalocean/v2/sizes",
    reply: () =>
      Response.json({
        sizes: [
          { slug: "s-1vcpu-1gb", memory: 1024, vcpus: 1, disk: 25, price_monthly: 6, available: true, regions: [] },
        ],
      }),
    upstream: { method: "GET", path: "digitalocean/v2/sizes", query: { per_page: "200" } },
    status: 200,
    response: [{ slug: "s-1vcpu-1gb", memory: 1024, vcpus: 1, disk: 25, price_monthly: 6, available: true }],
  },
  {
    name: "images",
    as: "admin",
    path: "/api/digitalocean/images",
    route: "GET digitalocean/v2/images",
    reply: () =>
      Response.json({
        images: [{ id: 1, slug: "ubuntu-24-04-x64", name: "24.04 x64", distribution: "Ubuntu", regions: [] }],
      }),
    upstream: {
      method: "GET",
      path: "digitalocean/v2/images",
      query: { page: "1", per_page: "20", type: "distribution" },
    },
    status: 200,
    response: [{ id: 1, slug: "ubuntu-24-04-x64", name: "24.04 x64", distribution: "Ubuntu" }],
  },
]);

// ------------------------------------------------------------------------------------------ Cloudflare
const Z = "0123456789abcdef0123456789abcdef";
const R = "fedcba9876543210fedcba9876543210";
const ACC = CONFIGURED.CLOUDFLARE_ACCOUNT_ID!;
const rec = {
  id: R,
  type: "A",
  name: "www.blackroad.systems",
  content: "203.0.113.7",
  proxied: true,
  ttl: 1,
  comment: null,
  meta: {},
  zone_id: Z,
};
const ourRec = {
  id: R,
  type: "A",
  name: "www.blackroad.systems",
  content: "203.0.113.7",
  proxied: true,
  ttl: 1,
  comment: null,
};
const cf = (result: unknown) => Response.json({ success: true, errors: [], messages: [], result });
suite("Cloudflare", bearer(SECRETS.CLOUDFLARE_API_TOKEN), [
  {
    name: "verify token",
    as: "admin",
    path: "/api/cloudflare/token",
    route: "GET cloudflare/client/v4/user/tokens/verify",
    reply: () => cf({ id: "t1", status: "active", expires_on: null }),
    upstream: { method: "GET", path: "cloudflare/client/v4/user/tokens/verify" },
    status: 200,
    response: { id: "t1", status: "active", expires_on: null },
  },
  {
    name: "zones",
    as: "admin",
    path: "/api/cloudflare/zones?name=blackroad.systems",
    route: "GET cloudflare/client/v4/zones",
    reply: () =>
      cf([
        {
          id: Z,
          name: "blackroad.systems",
          status: "active",
          paused: false,
          plan: { name: "Free" },
          account: { id: ACC },
        },
      ]),
    upstream: {
      method: "GET",
      path: "cloudflare/client/v4/zones",
      query: { name: "blackroad.systems", page: "1", per_page: "20" },
    },
    status: 200,
    response: [{ id: Z, name: "blackroad.systems", status: "active", paused: false, plan: "Free" }],
  },
  {
    name: "DNS records",
    as: "admin",
    path: `/api/cloudflare/zones/${Z}/dns?type=A`,
    route: `GET cloudflare/client/v4/zones/${Z}/dns_records`,
    reply: () => cf([rec]),
    upstream: {
      method: "GET",
      path: `cloudflare/client/v4/zones/${Z}/dns_records`,
      query: { type: "A", per_page: "100" },
    },
    status: 200,
    response: [ourRec],
  },
  {
    name: "create DNS record",
    as: "admin",
    method: "POST",
    path: `/api/cloudflare/zones/${Z}/dns`,
    json: { type: "A", name: "www.blackroad.systems", content: "203.0.113.7", proxied: true },
    route: `POST cloudflare/client/v4/zones/${Z}/dns_records`,
    reply: () => cf(rec),
    upstream: {
      method: "POST",
      path: `cloudflare/client/v4/zones/${Z}/dns_records`,
      json: { type: "A", name: "www.blackroad.systems", content: "203.0.113.7", proxied: true, ttl: 1 },
    },
    status: 201,
    response: ourRec,
  },
  {
    name: "delete DNS record",
    as: "admin",
    method: "DELETE",
    path: `/api/cloudflare/zones/${Z}/dns/${R}`,
    route: `DELETE cloudflare/client/v4/zones/${Z}/dns_records/${R}`,
    reply: () => cf({ id: R }),
    upstream: { method: "DELETE", path: `cloudflare/client/v4/zones/${Z}/dns_records/${R}` },
    status: 204,
    response: null,
  },
  {
    name: "workers scripts",
    as: "admin",
    path: "/api/cloudflare/workers",
    route: `GET cloudflare/client/v4/accounts/${ACC}/workers/scripts`,
    reply: () =>
      cf([
        { id: "blackroad-api", created_on: "2026-01-01", modified_on: "2026-01-02", etag: "x", handlers: ["fetch"] },
      ]),
    upstream: { method: "GET", path: `cloudflare/client/v4/accounts/${ACC}/workers/scripts` },
    status: 200,
    response: [{ id: "blackroad-api", created_on: "2026-01-01", modified_on: "2026-01-02" }],
  },
]);

// ------------------------------------------------------------------------------------------ Sentry
const issue = {
  id: "1",
  shortId: "API-1",
  title: "TypeError",
  culprit: "handler",
  level: "error",
  status: "unresolved",
  count: "12",
  userCount: 3,
  firstSeen: "2026-01-01",
  lastSeen: "2026-01-02",
  permalink: "https://sentry.io/x",
  metadata: { filename: "a.ts" },
  assignedTo: null,
};
const { metadata: _m, assignedTo: _a, ...ourIssue } = issue;
const release = {
  version: "1.2.3",
  shortVersion: "1.2.3",
  dateCreated: "2026-01-01",
  dateReleased: null,
  newGroups: 0,
  authors: [],
  commitCount: 0,
};
const { authors: _x, commitCount: _y, ...ourRelease } = release;
suite("Sentry", bearer(SECRETS.SENTRY_AUTH_TOKEN), [
  {
    name: "projects",
    as: "admin",
    path: "/api/sentry/projects",
    route: "GET sentry/api/0/organizations/blackroad/projects/",
    reply: () =>
      Response.json([
        { id: "5", slug: "api", name: "API", platform: "javascript", dateCreated: "2026-01-01", features: [] },
      ]),
    upstream: { method: "GET", path: "sentry/api/0/organizations/blackroad/projects/" },
    status: 200,
    response: [{ id: "5", slug: "api", name: "API", platform: "javascript", dateCreated: "2026-01-01" }],
  },
  {
    name: "issues",
    as: "admin",
    path: "/api/sentry/projects/api/issues",
    route: "GET sentry/api/0/projects/blackroad/api/issues/",
    reply: () => Response.json([issue]),
    upstream: {
      method: "GET",
      path: "sentry/api/0/projects/blackroad/api/issues/",
      query: { query: "is:unresolved", statsPeriod: "24h" },
    },
    status: 200,
    response: [ourIssue],
  },
  {
    name: "events",
    as: "admin",
    path: "/api/sentry/projects/api/events",
    route: "GET sentry/api/0/projects/blackroad/api/events/",
    reply: () =>
      Response.json([
        {
          id: "e",
          eventID: "abc",
          title: "TypeError",
          dateCreated: "2026-01-02",
          platform: "javascript",
          user: { email: "u@example.com" },
          tags: [],
        },
      ]),
    upstream: { method: "GET", path: "sentry/api/0/projects/blackroad/api/events/" },
    status: 200,
    response: [{ id: "e", eventID: "abc", title: "TypeError", dateCreated: "2026-01-02", platform: "javascript" }],
  },
  {
    name: "releases",
    as: "admin",
    path: "/api/sentry/projects/api/releases",
    route: "GET sentry/api/0/organizations/blackroad/releases/",
    reply: () => Response.json([release]),
    upstream: { method: "GET", path: "sentry/api/0/organizations/blackroad/releases/", query: { project_slug: "api" } },
    status: 200,
    response: [ourRelease],
  },
  {
    name: "create release",
    as: "admin",
    method: "POST",
    path: "/api/sentry/releases",
    json: { version: "1.2.3", projects: ["api"], ref: "abc" },
    route: "POST sentry/api/0/organizations/blackroad/releases/",
    reply: () => Response.json(release, { status: 201 }),
    upstream: {
      method: "POST",
      path: "sentry/api/0/organizations/blackroad/releases/",
      json: { version: "1.2.3", projects: ["api"], ref: "abc" },
    },
    status: 201,
    response: ourRelease,
  },
]);

// ------------------------------------------------------------------------------------------ Hugging Face
const model = (id: string, isPrivate = false) => ({
  _id: "x",
  id,
  modelId: id,
  author: id.split("/")[0],
  private: isPrivate,
  downloads: 10,
  likes: 2,
  tags: ["text-generation"],
  pipeline_tag: "text-generation",
  library_name: "transformers",
  lastModified: "2026-01-01",
  siblings: [{ rfilename: "config.json" }],
  cardData: {},
});
const ourModel = (id: string, isPrivate = false) => ({
  id,
  author: id.split("/")[0],
  private: isPrivate,
  downloads: 10,
  likes: 2,
  tags: ["text-generation"],
  pipeline_tag: "text-generation",
  library_name: "transformers",
  lastModified: "2026-01-01",
});
const hubQuery = { search: "llama", sort: "downloads", direction: "-1", limit: "20" };
suite("Hugging Face", bearer(SECRETS.HUGGINGFACE_TOKEN), [
  {
    name: "whoami",
    as: "admin",
    path: "/api/huggingface/whoami",
    route: "GET huggingface/api/whoami-v2",
    reply: () =>
      Response.json({
        name: "blackroad",
        type: "user",
        orgs: [{ name: "br", roleInOrg: "admin" }],
        auth: { accessToken: { displayName: "t" } },
      }),
    upstream: { method: "GET", path: "huggingface/api/whoami-v2" },
    status: 200,
    response: { name: "blackroad", type: "user", orgs: [{ name: "br" }] },
  },
  {
    name: "models (a user sees public ones only)",
    as: "user",
    path: "/api/huggingface/models?search=llama",
    route: "GET huggingface/api/models",
    reply: () => Response.json([model("meta/llama"), model("br/internal", true)]),
    upstream: { method: "GET", path: "huggingface/api/models", query: hubQuery },
    status: 200,
    response: [ourModel("meta/llama")],
  },
  {
    name: "model",
    as: "user",
    path: "/api/huggingface/models/meta/llama",
    route: "GET huggingface/api/models/meta/llama",
    reply: () => Response.json(model("meta/llama")),
    upstream: { method: "GET", path: "huggingface/api/models/meta/llama" },
    status: 200,
    response: ourModel("meta/llama"),
  },
  {
    name: "datasets",
    as: "user",
    path: "/api/huggingface/datasets?search=llama",
    route: "GET huggingface/api/datasets",
    reply: () =>
      Response.json([
        {
          id: "squad/v2",
          author: "squad",
          private: false,
          downloads: 5,
          likes: 1,
          tags: [],
          lastModified: "2026-01-01",
          cardData: {},
        },
      ]),
    upstream: { method: "GET", path: "huggingface/api/datasets", query: hubQuery },
    status: 200,
    response: [
      { id: "squad/v2", author: "squad", private: false, downloads: 5, likes: 1, tags: [], lastModified: "2026-01-01" },
    ],
  },
  {
    name: "dataset",
    as: "user",
    path: "/api/huggingface/datasets/squad/v2",
    route: "GET huggingface/api/datasets/squad/v2",
    reply: () => Response.json({ id: "squad/v2", author: "squad", private: false, downloads: 5, siblings: [] }),
    upstream: { method: "GET", path: "huggingface/api/datasets/squad/v2" },
    status: 200,
    response: { id: "squad/v2", author: "squad", private: false, downloads: 5 },
  },
  {
    name: "spaces",
    as: "user",
    path: "/api/huggingface/spaces?search=llama",
    route: "GET huggingface/api/spaces",
    reply: () =>
      Response.json([
        {
          id: "br/demo",
          author: "br",
          private: false,
          likes: 3,
          sdk: "gradio",
          tags: [],
          lastModified: "2026-01-01",
          runtime: {},
        },
      ]),
    upstream: { method: "GET", path: "huggingface/api/spaces", query: hubQuery },
    status: 200,
    response: [
      { id: "br/demo", author: "br", private: false, likes: 3, sdk: "gradio", tags: [], lastModified: "2026-01-01" },
    ],
  },
  {
    name: "text generation (inference base URL)",
    as: "admin",
    method: "POST",
    path: "/api/huggingface/inference/text-generation",
    json: { model: "meta/llama", inputs: "Hello", max_new_tokens: 16 },
    route: "POST hf-inference/models/meta/llama",
    reply: () => Response.json([{ generated_text: " world", details: {} }]),
    upstream: {
      method: "POST",
      path: "hf-inference/models/meta/llama",
      json: { inputs: "Hello", parameters: { max_new_tokens: 16, return_full_text: false } },
    },
    status: 200,
    response: { model: "meta/llama", generated_text: " world" },
  },
]);

describe("Hugging Face: private repositories are hidden from non-admins", () => {
  it("a private model is a 404 for a user and visible to an admin", async () => {
    fake.on("GET huggingface/api/models/br/secret", () => Response.json(model("br/secret", true)));
    const asUser = await call(user, "/api/huggingface/models/br/secret");
    expect(asUser.status, asUser.text).toBe(404);
    const asAdmin = await call(admin, "/api/huggingface/models/br/secret");
    expect(asAdmin.status, asAdmin.text).toBe(200);
    expect(asAdmin.json.private).toBe(true);
  });
});
