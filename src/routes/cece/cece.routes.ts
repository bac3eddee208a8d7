import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { WorkflowIdParams, WorkflowSchema, WorkflowTraceSchema } from "../cognition/cognition.schemas.ts";
import { NextPageCursorHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  AnalysisSchema,
  AnalyzeBody,
  CeceBody,
  CeceHealthSchema,
  CeceInfoSchema,
  HistoryQuery,
} from "./cece.schemas.ts";

const { anyone, user } = routeKit(
  "Cece",
  "The Cece cognition pipeline (analyse → plan → answer), one built-in workflow on Cloudflare Workflows, persisted",
);

export const start = user({
  operationId: "startCeceCognition",
  method: "post",
  path: "/api/cece/cognition",
  summary: "Start the pipeline on a request (202; follow it at /cognition/{id}); 503 when no provider is configured",
  request: jsonBody(CeceBody),
  responses: { 202: json(WorkflowSchema, "The pipeline, queued"), ...problemResponses(413, 415, 422) },
});

// Registered before /cognition/{id}, and {id} only matches a UUID: "history" is never taken for an id.
export const history = user({
  operationId: "listCeceCognitionHistory",
  method: "get",
  path: "/api/cece/cognition/history",
  summary: "My pipeline runs, newest first (keyset paging with ?before)",
  request: { query: HistoryQuery },
  responses: {
    200: json(z.array(WorkflowSchema), "A page of runs", NextPageCursorHeaders),
    ...problemResponses(422),
  },
});

export const analyze = user({
  operationId: "analyzeCeceCognition",
  method: "post",
  path: "/api/cece/cognition/analyze",
  summary: "Only the analysis stage, answered now",
  request: jsonBody(AnalyzeBody),
  responses: { 200: json(AnalysisSchema, "The analysis"), ...problemResponses(413, 415, 422, 502, 504) },
});

export const get = user({
  operationId: "getCeceCognition",
  method: "get",
  path: "/api/cece/cognition/{id}",
  summary: "One of my pipeline runs with its stages",
  request: { params: WorkflowIdParams },
  responses: { 200: json(WorkflowTraceSchema, "The run and its stages"), ...problemResponses(404, 422) },
});

export const health = anyone({
  operationId: "ceceHealth",
  method: "get",
  path: "/api/cece/health",
  summary: "Whether the pipeline can run (a provider configured, the Workflow bound)",
  responses: { 200: json(CeceHealthSchema, "Health") },
});

export const info = anyone({
  operationId: "ceceInfo",
  method: "get",
  path: "/api/cece/info",
  summary: "What the pipeline does",
  responses: { 200: json(CeceInfoSchema, "About the pipeline") },
});
