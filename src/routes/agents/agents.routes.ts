import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageAfterHeaders, NextPageCursorHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  AgentListSchema,
  AgentNameParams,
  AgentRunSchema,
  AgentSchema,
  AgentVersionSchema,
  CategoriesSchema,
  CreateAgentBody,
  ExecuteAgentBody,
  ListAgentsQuery,
  ListRunsQuery,
  RunIdParams,
  SearchAgentsQuery,
  StatsSchema,
  ToolsSchema,
  UpdateAgentBody,
} from "./agents.schemas.ts";

const { user } = routeKit(
  "Agents",
  "A registry of AI agents (built-ins plus your own, versioned) that call the platform's services as tools with your rights; 503 when no AI provider is configured",
);

export const list = user({
  operationId: "listAgents",
  method: "get",
  path: "/api/agents",
  summary: "Built-in agents and mine (built-ins first, each by name; keyset paging with ?after)",
  request: { query: ListAgentsQuery },
  responses: { 200: json(AgentListSchema, "A page of agents", NextPageAfterHeaders), ...problemResponses(422) },
});

export const categories = user({
  operationId: "listAgentCategories",
  method: "get",
  path: "/api/agents/categories",
  summary: "Categories of the agents I can use, with counts",
  responses: { 200: json(CategoriesSchema, "Categories") },
});

export const stats = user({
  operationId: "getAgentStats",
  method: "get",
  path: "/api/agents/stats",
  summary: "How many agents I can use, and my runs: outcomes, tokens, tool calls",
  responses: { 200: json(StatsSchema, "Statistics") },
});

export const search = user({
  operationId: "searchAgents",
  method: "get",
  path: "/api/agents/search",
  summary: "Agents whose name, description, category or tags contain every word of q",
  request: { query: SearchAgentsQuery },
  responses: { 200: json(AgentListSchema, "Matching agents"), ...problemResponses(422) },
});

export const tools = user({
  operationId: "listAgentTools",
  method: "get",
  path: "/api/agents/tools",
  summary: "Tools an agent may be given, with their argument schemas",
  responses: { 200: json(ToolsSchema, "The tools") },
});

export const listRuns = user({
  operationId: "listAgentRuns",
  method: "get",
  path: "/api/agent-runs",
  summary: "My agent runs, newest first (keyset paging with ?before)",
  request: { query: ListRunsQuery },
  responses: {
    200: json(z.array(AgentRunSchema), "A page of runs", NextPageCursorHeaders),
    ...problemResponses(422),
  },
});

export const getRun = user({
  operationId: "getAgentRun",
  method: "get",
  path: "/api/agent-runs/{id}",
  summary: "One of my runs with its tool calls and token usage",
  request: { params: RunIdParams },
  responses: { 200: json(AgentRunSchema, "The run"), ...problemResponses(404, 422) },
});

export const create = user({
  operationId: "createAgent",
  method: "post",
  path: "/api/agents",
  summary: "Define an agent of my own (version 1)",
  request: jsonBody(CreateAgentBody),
  responses: { 201: json(AgentSchema, "The new agent"), ...problemResponses(409, 413, 415, 422) },
});

export const get = user({
  operationId: "getAgent",
  method: "get",
  path: "/api/agents/{name}",
  summary: "A built-in agent or one of mine",
  request: { params: AgentNameParams },
  responses: { 200: json(AgentSchema, "The agent"), ...problemResponses(404, 422) },
});

export const update = user({
  operationId: "updateAgent",
  method: "patch",
  path: "/api/agents/{name}",
  summary: "Change one of my agents (a new version; built-ins are 403)",
  request: { params: AgentNameParams, ...jsonBody(UpdateAgentBody) },
  responses: { 200: json(AgentSchema, "The agent's new version"), ...problemResponses(403, 404, 413, 415, 422) },
});

export const remove = user({
  operationId: "deleteAgent",
  method: "delete",
  path: "/api/agents/{name}",
  summary: "Delete one of my agents (its runs stay)",
  request: { params: AgentNameParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(403, 404, 422) },
});

export const versions = user({
  operationId: "listAgentVersions",
  method: "get",
  path: "/api/agents/{name}/versions",
  summary: "Every version of an agent, newest first",
  request: { params: AgentNameParams },
  responses: { 200: json(z.array(AgentVersionSchema), "Versions"), ...problemResponses(404, 422) },
});

export const execute = user({
  operationId: "executeAgent",
  method: "post",
  path: "/api/agents/{name}/execute",
  summary: "Run an agent on an input (streamed with Accept: text/event-stream)",
  description: [
    "Runs the agent through the configured OpenAI-compatible model with its instructions and tools.",
    "Tools run with the caller's rights only (never more), with validated arguments, at most 8 calls",
    "per run and 5 s per call; every call is audited. The run, its tool calls and token usage are stored.\n\n",
    "With `Accept: text/event-stream` the run streams as server-sent events: `run` (`{id}`) first, then",
    "`delta` (`{content}`), `tool_call` (`{id, name, arguments}`) and `tool_result` (`{id, name, ok,",
    "result | error}`) as they happen, and one final `done` (`{run: AgentRun}`) or `error` (a problem).",
    "Without it the finished run is returned as JSON.\n\n",
    "503 when no provider is configured (OPENAI_API_KEY), nothing is run; 502/504 when the provider fails.",
  ].join(" "),
  request: { params: AgentNameParams, ...jsonBody(ExecuteAgentBody) },
  responses: {
    200: {
      description: "The finished run, or the run as server-sent events",
      content: {
        "application/json": { schema: AgentRunSchema },
        "text/event-stream": { schema: z.string().openapi({ example: 'event: delta\ndata: {"content":"Hi"}\n\n' }) },
      },
    },
    ...problemResponses(404, 413, 415, 422, 502, 504),
  },
});
