import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, routeKit } from "../route-kit.ts";
import {
  AccountStatusBody,
  AccountStatusSchema,
  ChainStatusSchema,
  CreateJobBody,
  EventPageSchema,
  EventsQuery,
  JobIdParams,
  JobPageSchema,
  JobSchema,
  JobsQuery,
  PrismHealthSchema,
  PrismStatsSchema,
  UserIdParams,
} from "./prism.schemas.ts";

const { anyone, admin } = routeKit(
  "Prism",
  "The admin console: counts, the audit log, background jobs and chain status (administrators only)",
);

/** Every /api/prism route: a valid token (401) of an admin (403). */

export const stats = admin({
  operationId: "getPrismStats",
  method: "get",
  path: "/api/prism/stats",
  summary: "Counts: users, blocks, transactions, pending transactions, audit events, jobs",
  responses: { 200: json(PrismStatsSchema, "Counts") },
});

export const events = admin({
  operationId: "listAuditEvents",
  method: "get",
  path: "/api/prism/events",
  summary: "The audit log, newest first, filtered by type, user and time (keyset paging with ?before)",
  request: { query: EventsQuery },
  responses: {
    200: json(EventPageSchema, "A page of events and the total matching the filters", NextPageHeaders),
    ...problemResponses(422),
  },
});

export const listJobs = admin({
  operationId: "listJobs",
  method: "get",
  path: "/api/prism/jobs",
  summary: "Jobs, newest first",
  request: { query: JobsQuery },
  responses: { 200: json(JobPageSchema, "A page of jobs and the total", NextPageHeaders), ...problemResponses(422) },
});

export const createJob = admin({
  operationId: "createJob",
  method: "post",
  path: "/api/prism/jobs",
  summary: "Queue a job; it runs right after the response (poll GET /api/prism/jobs/{id})",
  description:
    "Job types: `verify-chain` verifies every block, link, proof of work and signature of the chain, in chunks (one Durable Object alarm each; `progress` on the job while it runs). One job per type and chain at a time (409).",
  request: { body: { required: true, content: { "application/json": { schema: CreateJobBody } } } },
  responses: {
    202: { ...json(JobSchema, "The queued job"), headers: z.object({ Location: z.string() }) },
    ...problemResponses(409, 413, 415, 422),
  },
});

export const getJob = admin({
  operationId: "getJob",
  method: "get",
  path: "/api/prism/jobs/{id}",
  summary: "One job with its result or error",
  request: { params: JobIdParams },
  responses: { 200: json(JobSchema, "The job"), ...problemResponses(404, 422) },
});

export const chain = admin({
  operationId: "getPrismChainStatus",
  method: "get",
  path: "/api/prism/chain",
  summary: "Chain status: the head, the database's height, and the last verification",
  responses: { 200: json(ChainStatusSchema, "Chain status") },
});

export const setAccountStatus = admin({
  operationId: "setAccountStatus",
  method: "put",
  path: "/api/prism/users/{id}/status",
  summary: "Disable or enable an account, with a reason (audited)",
  description:
    "Disabling sets the account inactive, revokes every refresh token and ends every live session at once: the account's " +
    "access tokens are refused from their next request, login answers 403 and refresh 401. Recorded in the audit log as " +
    "`prism.account_disabled` / `prism.account_enabled` with the reason. An administrator cannot disable their own account (409).",
  request: {
    params: UserIdParams,
    body: { required: true, content: { "application/json": { schema: AccountStatusBody } } },
  },
  responses: {
    200: json(AccountStatusSchema, "The account's new state"),
    ...problemResponses(404, 409, 413, 415, 422),
  },
});

export const health = anyone({
  operationId: "getPrismHealth",
  method: "get",
  path: "/prism/health",
  summary: "The Prism console is served (public; no dependency is checked)",
  responses: { 200: json(PrismHealthSchema, "Healthy") },
});
