import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { json, routeKit } from "../route-kit.ts";
import * as s from "./compliance.schemas.ts";

const { user } = routeKit(
  "Compliance",
  "The audit log as a compliance log: my own events (administrators: everyone's), filtered, paged, exported as CSV",
);

export const list = user({
  operationId: "listComplianceEvents",
  method: "get",
  path: "/api/compliance/events",
  summary: "Audit events, newest first: mine, or anyone's for an administrator; by type prefix, user and time range",
  request: { query: s.ListQuery },
  responses: { 200: json(s.ListSchema, "A page"), ...problemResponses(403, 422) },
});

export const exportCsv = user({
  operationId: "exportComplianceEvents",
  method: "get",
  path: "/api/compliance/events/export",
  summary: "The same events as CSV, streamed (large ranges are read page by page)",
  request: { query: s.FilterQuery },
  responses: {
    200: {
      description: "CSV (RFC 4180) with a header row; formula-like cells are prefixed with '",
      content: { "text/csv": { schema: z.string() } },
    },
    ...problemResponses(403, 422),
  },
});
