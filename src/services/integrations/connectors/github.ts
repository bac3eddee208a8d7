import { z } from "zod";
import { notFound } from "../../../lib/errors.ts";
import { defineConnector } from "../types.ts";

/** GitHub REST (https://docs.github.com/rest), with GITHUB_TOKEN as a bearer token. */

const Name = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, '-', '_' and '.' only");
const RepoParams = z.object({ owner: Name, repo: Name });
const Page = {
  per_page: z.coerce.number().int().min(1).max(100).default(30),
  page: z.coerce.number().int().min(1).max(1000).default(1),
};

const Repo = z.object({
  id: z.number(),
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  html_url: z.string(),
  description: z.string().nullable(),
  default_branch: z.string().optional(),
  language: z.string().nullable().optional(),
  stargazers_count: z.number().optional(),
  forks_count: z.number().optional(),
  open_issues_count: z.number().optional(),
  updated_at: z.string().nullable().optional(),
});

const Commit = z.object({
  sha: z.string(),
  message: z.string(),
  author: z.string().nullable(),
  date: z.string().nullable(),
  html_url: z.string(),
});
const Pull = z.object({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  user: z.string().nullable(),
  html_url: z.string(),
  created_at: z.string(),
  draft: z.boolean().optional(),
});
const Issue = z.object({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  user: z.string().nullable(),
  labels: z.array(z.string()),
  comments: z.number().optional(),
  html_url: z.string(),
  created_at: z.string(),
  is_pull_request: z.boolean(),
});

const login = (u: any) => (u && typeof u.login === "string" ? u.login : null);
const pullJson = (p: any) => ({ ...p, user: login(p?.user) });
const issueJson = (i: any) => ({
  ...i,
  user: login(i?.user),
  labels: Array.isArray(i?.labels)
    ? i.labels.map((l: any) => (typeof l === "string" ? l : l?.name)).filter((n: unknown) => typeof n === "string")
    : [],
  is_pull_request: Boolean(i?.pull_request),
});
const publicRepos = (repos: Array<{ private: boolean }>) => repos.filter((r) => !r.private);
const repoIsPublic = { operation: "repo", isPublic: (r: { private: boolean }) => r.private === false };
const encode = encodeURIComponent;
const repoPath = (p: { owner: string; repo: string }) => `/repos/${encode(p.owner)}/${encode(p.repo)}`;

export const github = defineConnector({
  name: "github",
  title: "GitHub",
  requires: ["GITHUB_TOKEN"],
  optional: ["GITHUB_WEBHOOK_SECRET"],
  baseUrl: (c) => c.GITHUB_API_URL,
  auth: { kind: "bearer", token: "GITHUB_TOKEN" },
  headers: { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.message === "string" ? b.message : undefined),
  probe: "user",
  operations: [
    {
      id: "user",
      method: "get",
      path: "/user",
      summary: "The account the server's token acts for",
      access: "admin",
      output: z.object({
        login: z.string(),
        id: z.number(),
        name: z.string().nullable().optional(),
        html_url: z.string(),
        public_repos: z.number().optional(),
      }),
      request: () => ({ method: "GET", path: "/user" }),
      cacheTtl: 60,
    },
    {
      id: "listRepos",
      method: "get",
      path: "/repos",
      summary: "Repositories of the server's account (private ones included)",
      access: "admin",
      query: z.object({ ...Page, sort: z.enum(["created", "updated", "pushed", "full_name"]).default("updated") }),
      output: z.array(Repo),
      request: ({ query }) => ({ method: "GET", path: "/user/repos", query }),
      cacheTtl: 30,
    },
    {
      id: "createRepo",
      method: "post",
      path: "/repos",
      summary: "Create a repository under the server's account",
      access: "admin",
      status: 201,
      body: z.strictObject({
        name: Name,
        description: z.string().max(350).optional(),
        private: z.boolean().default(true),
        auto_init: z.boolean().default(false),
      }),
      output: Repo,
      request: ({ body }) => ({ method: "POST", path: "/user/repos", json: body }),
    },
    {
      id: "repo",
      method: "get",
      path: "/repos/{owner}/{repo}",
      summary: "One repository (non-admins: public repositories only)",
      access: "user",
      params: RepoParams,
      output: Repo,
      request: ({ params }) => ({ method: "GET", path: repoPath(params as any) }),
      cacheTtl: 60,
      publicOnly: (r: { private: boolean }) => {
        if (r.private) throw notFound("GitHub: no such public resource");
        return r;
      },
    },
    {
      id: "commits",
      method: "get",
      path: "/repos/{owner}/{repo}/commits",
      summary: "Recent commits of a repository (non-admins: public repositories only)",
      access: "user",
      params: RepoParams,
      query: z.object({
        ...Page,
        sha: z
          .string()
          .regex(/^[\w./-]{1,200}$/)
          .optional(),
      }),
      output: z.array(Commit),
      request: ({ params, query }) => ({ method: "GET", path: `${repoPath(params as any)}/commits`, query }),
      map: (list: any) =>
        Array.isArray(list)
          ? list.map((c: any) => ({
              sha: c?.sha,
              message: c?.commit?.message,
              author: c?.commit?.author?.name ?? null,
              date: c?.commit?.author?.date ?? null,
              html_url: c?.html_url,
            }))
          : list,
      cacheTtl: 30,
      requirePublic: repoIsPublic,
    },
    {
      id: "pulls",
      method: "get",
      path: "/repos/{owner}/{repo}/pulls",
      summary: "Pull requests of a repository (non-admins: public repositories only)",
      access: "user",
      params: RepoParams,
      query: z.object({ ...Page, state: z.enum(["open", "closed", "all"]).default("open") }),
      output: z.array(Pull),
      request: ({ params, query }) => ({ method: "GET", path: `${repoPath(params as any)}/pulls`, query }),
      map: (list: any) => (Array.isArray(list) ? list.map(pullJson) : list),
      cacheTtl: 30,
      requirePublic: repoIsPublic,
    },
    {
      id: "issues",
      method: "get",
      path: "/repos/{owner}/{repo}/issues",
      summary: "Issues of a repository (non-admins: public repositories only)",
      access: "user",
      params: RepoParams,
      query: z.object({ ...Page, state: z.enum(["open", "closed", "all"]).default("open") }),
      output: z.array(Issue),
      request: ({ params, query }) => ({ method: "GET", path: `${repoPath(params as any)}/issues`, query }),
      map: (list: any) => (Array.isArray(list) ? list.map(issueJson) : list),
      cacheTtl: 30,
      requirePublic: repoIsPublic,
    },
    {
      id: "createIssue",
      method: "post",
      path: "/repos/{owner}/{repo}/issues",
      summary: "Open an issue",
      access: "admin",
      status: 201,
      params: RepoParams,
      body: z.strictObject({
        title: z.string().min(1).max(256),
        body: z.string().max(65_536).optional(),
        labels: z.array(z.string().min(1).max(50)).max(20).optional(),
      }),
      output: Issue,
      request: ({ params, body }) => ({ method: "POST", path: `${repoPath(params as any)}/issues`, json: body }),
      map: issueJson,
    },
    {
      id: "contents",
      method: "get",
      path: "/repos/{owner}/{repo}/contents",
      summary: "A file (base64 content) or a directory listing, by ?path= (non-admins: public repositories only)",
      access: "user",
      params: RepoParams,
      query: z.object({
        path: z
          .string()
          .max(1000)
          .regex(/^[^\u0000]*$/)
          .default(""),
        ref: z
          .string()
          .regex(/^[\w./-]{1,200}$/)
          .optional(),
      }),
      output: z.object({
        type: z.string(),
        path: z.string(),
        size: z.number().optional(),
        sha: z.string().optional(),
        encoding: z.string().optional(),
        content: z.string().optional(),
        entries: z
          .array(z.object({ type: z.string(), name: z.string(), path: z.string(), size: z.number() }))
          .optional(),
      }),
      request: ({ params, query }) => ({
        method: "GET",
        path: `${repoPath(params as any)}/contents/${String(query.path).split("/").filter(Boolean).map(encode).join("/")}`,
        query: { ref: query.ref },
      }),
      map: (b: any, { query }) => (Array.isArray(b) ? { type: "dir", path: query.path, entries: b } : b),
      cacheTtl: 30,
      requirePublic: repoIsPublic,
    },
    {
      id: "branches",
      method: "get",
      path: "/repos/{owner}/{repo}/branches",
      summary: "Branches of a repository (non-admins: public repositories only)",
      access: "user",
      params: RepoParams,
      query: z.object(Page),
      output: z.array(z.object({ name: z.string(), commit_sha: z.string(), protected: z.boolean() })),
      request: ({ params, query }) => ({ method: "GET", path: `${repoPath(params as any)}/branches`, query }),
      map: (list: any) =>
        Array.isArray(list)
          ? list.map((b: any) => ({ name: b?.name, commit_sha: b?.commit?.sha, protected: Boolean(b?.protected) }))
          : list,
      cacheTtl: 30,
      requirePublic: repoIsPublic,
    },
    {
      id: "searchRepositories",
      method: "get",
      path: "/search/repositories",
      summary: "Search repositories (non-admins: public results only)",
      access: "user",
      query: z.object({
        q: z.string().min(1).max(256),
        sort: z.enum(["stars", "forks", "updated", "best-match"]).default("best-match"),
        per_page: Page.per_page,
        page: Page.page,
      }),
      output: z.object({ total_count: z.number(), items: z.array(Repo) }),
      request: ({ query }) => ({
        method: "GET",
        path: "/search/repositories",
        query: { ...query, sort: query.sort === "best-match" ? undefined : query.sort },
      }),
      cacheTtl: 60,
      publicOnly: (r: { total_count: number; items: Array<{ private: boolean }> }) => ({
        ...r,
        items: publicRepos(r.items),
      }),
    },
    {
      id: "searchCode",
      method: "get",
      path: "/search/code",
      summary: "Search code (non-admins: public repositories only)",
      access: "user",
      query: z.object({ q: z.string().min(1).max(256), per_page: Page.per_page, page: Page.page }),
      output: z.object({
        total_count: z.number(),
        items: z.array(
          z.object({
            name: z.string(),
            path: z.string(),
            sha: z.string(),
            html_url: z.string(),
            repository: z.string(),
            private: z.boolean(),
          }),
        ),
      }),
      request: ({ query }) => ({ method: "GET", path: "/search/code", query }),
      map: (b: any) => ({
        total_count: b?.total_count,
        items: Array.isArray(b?.items)
          ? b.items.map((i: any) => ({
              ...i,
              repository: i?.repository?.full_name,
              private: i?.repository?.private !== false,
            }))
          : b?.items,
      }),
      cacheTtl: 60,
      publicOnly: (r: { total_count: number; items: Array<{ private: boolean }> }) => ({
        ...r,
        items: r.items.filter((i) => !i.private),
      }),
    },
    {
      id: "notifications",
      method: "get",
      path: "/notifications",
      summary: "Notifications of the server's account",
      access: "admin",
      query: z.object({ all: z.enum(["true", "false"]).default("false"), per_page: Page.per_page }),
      output: z.array(
        z.object({
          id: z.string(),
          reason: z.string(),
          unread: z.boolean(),
          updated_at: z.string(),
          title: z.string(),
          type: z.string(),
          repository: z.string(),
        }),
      ),
      request: ({ query }) => ({ method: "GET", path: "/notifications", query }),
      map: (list: any) =>
        Array.isArray(list)
          ? list.map((n: any) => ({
              ...n,
              title: n?.subject?.title,
              type: n?.subject?.type,
              repository: n?.repository?.full_name,
            }))
          : list,
    },
  ],
});
