/**
 * GitHub against a fake GitHub at the network edge: every operation's exact upstream request and
 * our filtered answer, the public-only view for non-admins (private repositories are a 404,
 * private search results are dropped), caching of reads, and the per-user budget.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installFakeUpstreams, SECRETS } from "../helpers/fake-upstream.ts";
import { clearIntegrationCache, createAdmin, type HappyCase, runHappyCase } from "../helpers/integrations.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const fake = installFakeUpstreams();
afterAll(() => fake.uninstall());
beforeEach(() => fake.reset());

let admin: TestUser;
let user: TestUser;
beforeAll(async () => {
  [admin, user] = await Promise.all([createAdmin(), createUser(), clearIntegrationCache()]);
});

const auth = (h: Headers) => {
  expect(h.get("authorization")).toBe(`Bearer ${SECRETS.GITHUB_TOKEN}`);
  expect(h.get("accept")).toBe("application/vnd.github+json");
  expect(h.get("x-github-api-version")).toBe("2022-11-28");
  expect(h.get("user-agent")).toBeTruthy();
};

/** A repository as GitHub returns it: far more than we pass on. */
const upstreamRepo = (name: string, isPrivate = false) => ({
  id: 42,
  node_id: "R_kgDO",
  name,
  full_name: `octo/${name}`,
  private: isPrivate,
  owner: { login: "octo", id: 1, site_admin: false },
  html_url: `https://github.com/octo/${name}`,
  description: "demo",
  default_branch: "main",
  language: "TypeScript",
  stargazers_count: 7,
  forks_count: 1,
  open_issues_count: 2,
  updated_at: "2026-01-01T00:00:00Z",
  permissions: { admin: true, push: true, pull: true },
  temp_clone_token: "secret-ish",
});
const ourRepo = (name: string, isPrivate = false) => ({
  id: 42,
  name,
  full_name: `octo/${name}`,
  private: isPrivate,
  html_url: `https://github.com/octo/${name}`,
  description: "demo",
  default_branch: "main",
  language: "TypeScript",
  stargazers_count: 7,
  forks_count: 1,
  open_issues_count: 2,
  updated_at: "2026-01-01T00:00:00Z",
});
const upstreamIssue = {
  number: 5,
  title: "Bug",
  state: "open",
  user: { login: "octo", id: 1 },
  labels: [{ id: 9, name: "bug" }],
  comments: 0,
  html_url: "https://github.com/octo/demo/issues/5",
  created_at: "2026-01-02T00:00:00Z",
  body: "long",
  reactions: {},
};
const ourIssue = {
  number: 5,
  title: "Bug",
  state: "open",
  user: "octo",
  labels: ["bug"],
  comments: 0,
  html_url: "https://github.com/octo/demo/issues/5",
  created_at: "2026-01-02T00:00:00Z",
  is_pull_request: false,
};
const publicRepoGate = () => fake.on("GET github/repos/octo/demo", () => Response.json(upstreamRepo("demo")));

const CASES: Array<HappyCase & { gate?: boolean }> = [
  {
    name: "user",
    as: "admin",
    path: "/api/github/user",
    route: "GET github/user",
    reply: () =>
      Response.json({
        login: "octo",
        id: 1,
        name: "Octo",
        html_url: "https://github.com/octo",
        public_repos: 3,
        email: "private@example.com",
        plan: { name: "pro" },
      }),
    upstream: { method: "GET", path: "github/user" },
    status: 200,
    response: { login: "octo", id: 1, name: "Octo", html_url: "https://github.com/octo", public_repos: 3 },
  },
  {
    name: "list repos",
    as: "admin",
    path: "/api/github/repos?per_page=5&sort=pushed",
    route: "GET github/user/repos",
    reply: () => Response.json([upstreamRepo("demo"), upstreamRepo("secret", true)]),
    upstream: { method: "GET", path: "github/user/repos", query: { per_page: "5", page: "1", sort: "pushed" } },
    status: 200,
    response: [ourRepo("demo"), ourRepo("secret", true)],
  },
  {
    name: "create repo",
    as: "admin",
    method: "POST",
    path: "/api/github/repos",
    json: { name: "fresh", description: "new" },
    route: "POST github/user/repos",
    reply: () => Response.json(upstreamRepo("fresh", true), { status: 201 }),
    upstream: {
      method: "POST",
      path: "github/user/repos",
      json: { name: "fresh", description: "new", private: true, auto_init: false },
    },
    status: 201,
    response: ourRepo("fresh", true),
  },
  {
    name: "repo",
    as: "user",
    path: "/api/github/repos/octo/demo",
    route: "GET github/repos/octo/demo",
    reply: () => Response.json(upstreamRepo("demo")),
    upstream: { method: "GET", path: "github/repos/octo/demo" },
    status: 200,
    response: ourRepo("demo"),
  },
  {
    name: "commits",
    as: "user",
    gate: true,
    path: "/api/github/repos/octo/demo/commits?sha=main",
    route: "GET github/repos/octo/demo/commits",
    reply: () =>
      Response.json([
        {
          sha: "abc",
          commit: { message: "init", author: { name: "Octo", email: "o@example.com", date: "2026-01-01T00:00:00Z" } },
          html_url: "https://github.com/octo/demo/commit/abc",
          author: { login: "octo" },
        },
      ]),
    upstream: {
      method: "GET",
      path: "github/repos/octo/demo/commits",
      query: { per_page: "30", page: "1", sha: "main" },
    },
    status: 200,
    response: [
      {
        sha: "abc",
        message: "init",
        author: "Octo",
        date: "2026-01-01T00:00:00Z",
        html_url: "https://github.com/octo/demo/commit/abc",
      },
    ],
  },
  {
    name: "pulls",
    as: "user",
    gate: true,
    path: "/api/github/repos/octo/demo/pulls?state=all",
    route: "GET github/repos/octo/demo/pulls",
    reply: () =>
      Response.json([
        {
          number: 3,
          title: "Feature",
          state: "open",
          user: { login: "octo" },
          html_url: "https://github.com/octo/demo/pull/3",
          created_at: "2026-01-03T00:00:00Z",
          draft: false,
          head: { sha: "x" },
        },
      ]),
    upstream: {
      method: "GET",
      path: "github/repos/octo/demo/pulls",
      query: { per_page: "30", page: "1", state: "all" },
    },
    status: 200,
    response: [
      {
        number: 3,
        title: "Feature",
        state: "open",
        user: "octo",
        html_url: "https://github.com/octo/demo/pull/3",
        created_at: "2026-01-03T00:00:00Z",
        draft: false,
      },
    ],
  },
  {
    name: "issues",
    as: "user",
    gate: true,
    path: "/api/github/repos/octo/demo/issues",
    route: "GET github/repos/octo/demo/issues",
    reply: () => Response.json([upstreamIssue]),
    upstream: {
      method: "GET",
      path: "github/repos/octo/demo/issues",
      query: { per_page: "30", page: "1", state: "open" },
    },
    status: 200,
    response: [ourIssue],
  },
  {
    name: "create issue",
    as: "admin",
    method: "POST",
    path: "/api/github/repos/octo/demo/issues",
    json: { title: "Bug", labels: ["bug"] },
    route: "POST github/repos/octo/demo/issues",
    reply: () => Response.json(upstreamIssue, { status: 201 }),
    upstream: { method: "POST", path: "github/repos/octo/demo/issues", json: { title: "Bug", labels: ["bug"] } },
    status: 201,
    response: ourIssue,
  },
  {
    name: "contents (file)",
    as: "user",
    gate: true,
    path: "/api/github/repos/octo/demo/contents?path=src/a%20b.ts&ref=main",
    route: "GET github/repos/octo/demo/contents",
    reply: () =>
      Response.json({
        type: "file",
        name: "a b.ts",
        path: "src/a b.ts",
        size: 4,
        sha: "f1",
        encoding: "base64",
        content: "dGVzdA==",
        _links: {},
        download_url: "https://raw",
      }),
    upstream: { method: "GET", path: "github/repos/octo/demo/contents/src/a%20b.ts", query: { ref: "main" } },
    status: 200,
    response: { type: "file", path: "src/a b.ts", size: 4, sha: "f1", encoding: "base64", content: "dGVzdA==" },
  },
  {
    name: "contents (directory)",
    as: "user",
    gate: true,
    path: "/api/github/repos/octo/demo/contents?path=src",
    route: "GET github/repos/octo/demo/contents",
    reply: () => Response.json([{ type: "file", name: "a.ts", path: "src/a.ts", size: 4, sha: "f1", url: "x" }]),
    upstream: { method: "GET", path: "github/repos/octo/demo/contents/src" },
    status: 200,
    response: { type: "dir", path: "src", entries: [{ type: "file", name: "a.ts", path: "src/a.ts", size: 4 }] },
  },
  {
    name: "branches",
    as: "user",
    gate: true,
    path: "/api/github/repos/octo/demo/branches",
    route: "GET github/repos/octo/demo/branches",
    reply: () => Response.json([{ name: "main", commit: { sha: "abc", url: "x" }, protected: true }]),
    upstream: { method: "GET", path: "github/repos/octo/demo/branches", query: { per_page: "30", page: "1" } },
    status: 200,
    response: [{ name: "main", commit_sha: "abc", protected: true }],
  },
  {
    name: "search repositories (a user sees public results only)",
    as: "user",
    path: "/api/github/search/repositories?q=blackroad&sort=stars",
    route: "GET github/search/repositories",
    reply: () =>
      Response.json({
        total_count: 2,
        incomplete_results: false,
        items: [upstreamRepo("demo"), upstreamRepo("secret", true)],
      }),
    upstream: {
      method: "GET",
      path: "github/search/repositories",
      query: { q: "blackroad", sort: "stars", per_page: "30", page: "1" },
    },
    status: 200,
    response: { total_count: 2, items: [ourRepo("demo")] },
  },
  {
    name: "search code (a user sees public results only)",
    as: "user",
    path: "/api/github/search/code?q=hono",
    route: "GET github/search/code",
    reply: () =>
      Response.json({
        total_count: 2,
        items: [
          {
            name: "a.ts",
            path: "src/a.ts",
            sha: "s1",
            html_url: "https://github.com/octo/demo/blob/main/src/a.ts",
            repository: { full_name: "octo/demo", private: false },
            score: 1,
          },
          {
            name: "b.ts",
            path: "b.ts",
            sha: "s2",
            html_url: "https://github.com/octo/secret/blob/main/b.ts",
            repository: { full_name: "octo/secret", private: true },
          },
        ],
      }),
    upstream: { method: "GET", path: "github/search/code", query: { q: "hono", per_page: "30", page: "1" } },
    status: 200,
    response: {
      total_count: 2,
      items: [
        {
          name: "a.ts",
          path: "src/a.ts",
          sha: "s1",
          html_url: "https://github.com/octo/demo/blob/main/src/a.ts",
          repository: "octo/demo",
          private: false,
        },
      ],
    },
  },
  {
    name: "notifications",
    as: "admin",
    path: "/api/github/notifications?all=true",
    route: "GET github/notifications",
    reply: () =>
      Response.json([
        {
          id: "1",
          reason: "mention",
          unread: true,
          updated_at: "2026-01-01T00:00:00Z",
          subject: { title: "Ping", type: "Issue", url: "x" },
          repository: { full_name: "octo/demo" },
        },
      ]),
    upstream: { method: "GET", path: "github/notifications", query: { all: "true", per_page: "30" } },
    status: 200,
    response: [
      {
        id: "1",
        reason: "mention",
        unread: true,
        updated_at: "2026-01-01T00:00:00Z",
        title: "Ping",
        type: "Issue",
        repository: "octo/demo",
      },
    ],
  },
];

describe("GitHub operations against a fake GitHub", () => {
  for (const c of CASES) {
    it(`${c.name}: the exact upstream request, our filtered answer`, async () => {
      if (c.gate) publicRepoGate();
      await runHappyCase(fake, { ...c, route: c.route }, { admin, user }, auth);
    });
  }
});
