import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageCursorHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  CreateWorkflowBody,
  ExecuteBody,
  ExecuteResultSchema,
  HealthSchema,
  ListWorkflowsQuery,
  MemoryKeyParams,
  MemorySchema,
  WorkflowIdParams,
  WorkflowSchema,
  WorkflowTraceSchema,
} from "./cognition.schemas.ts";

const { anyone, user } = routeKit(
  "Cognition",
  "Workflows of agents on Cloudflare Workflows (sequential, parallel, planner): each agent call a retried, durable step; traces, cancel, memory",
);

export const execute = user({
  operationId: "cognitionExecute",
  method: "post",
  path: "/api/cognition/execute",
  summary: "Run one agent now and return its answer (503 when no provider is configured)",
  request: jsonBody(ExecuteBody),
  responses: { 200: json(ExecuteResultSchema, "The answer"), ...problemResponses(404, 413, 415, 422, 502, 504) },
});

export const createWorkflow = user({
  operationId: "createCognitionWorkflow",
  method: "post",
  path: "/api/cognition/workflows",
  summary: "Start a workflow of agents (202; follow it at /workflows/{id})",
  description:
    "Each agent call is a Cloudflare Workflows step: retried up to 3 times with exponential backoff (2 s, 4 s, 8 s), never repeated once it succeeded. With `memory_key`, the value stored under it by an earlier workflow is given to the first step, and the result is stored under it. 503 when no provider is configured.",
  request: jsonBody(CreateWorkflowBody),
  responses: { 202: json(WorkflowSchema, "The workflow, queued"), ...problemResponses(404, 413, 415, 422) },
});

export const listWorkflows = user({
  operationId: "listCognitionWorkflows",
  method: "get",
  path: "/api/cognition/workflows",
  summary: "My workflows, newest first (keyset paging with ?before)",
  request: { query: ListWorkflowsQuery },
  responses: {
    200: json(z.array(WorkflowSchema), "A page of workflows", NextPageCursorHeaders),
    ...problemResponses(422),
  },
});

export const getWorkflow = user({
  operationId: "getCognitionWorkflow",
  method: "get",
  path: "/api/cognition/workflows/{id}",
  summary: "One of my workflows with its steps (the reasoning trace)",
  request: { params: WorkflowIdParams },
  responses: { 200: json(WorkflowTraceSchema, "The workflow and its trace"), ...problemResponses(404, 422) },
});

export const reasoningTrace = user({
  operationId: "getCognitionReasoningTrace",
  method: "get",
  path: "/api/cognition/reasoning-trace/{id}",
  summary: "The reasoning trace of one of my workflows: per step input, output, attempts, timing, tokens",
  request: { params: WorkflowIdParams },
  responses: { 200: json(WorkflowTraceSchema, "The trace"), ...problemResponses(404, 422) },
});

export const activeWorkflows = user({
  operationId: "listActiveCognitionWorkflows",
  method: "get",
  path: "/api/cognition/active-workflows",
  summary: "My queued and running workflows",
  responses: { 200: json(z.array(WorkflowSchema), "Active workflows") },
});

export const cancelWorkflow = user({
  operationId: "cancelCognitionWorkflow",
  method: "post",
  path: "/api/cognition/cancel-workflow/{id}",
  summary: "Cancel one of my active workflows: no agent step starts after it (409 when already finished)",
  request: { params: WorkflowIdParams },
  responses: { 200: json(WorkflowSchema, "The cancelled workflow"), ...problemResponses(404, 409, 422) },
});

export const listMemory = user({
  operationId: "listCognitionMemory",
  method: "get",
  path: "/api/cognition/memory",
  summary: "What my workflows stored for later runs (memory_key → result)",
  responses: { 200: json(z.array(MemorySchema), "My memory") },
});

export const deleteMemory = user({
  operationId: "deleteCognitionMemory",
  method: "delete",
  path: "/api/cognition/memory/{key}",
  summary: "Forget one memory",
  request: { params: MemoryKeyParams },
  responses: { 204: { description: "Forgotten" }, ...problemResponses(404, 422) },
});

export const health = anyone({
  operationId: "cognitionHealth",
  method: "get",
  path: "/api/cognition/health",
  summary: "Whether workflows can run here: a provider configured, the Workflow bound",
  responses: { 200: json(HealthSchema, "Health") },
});
