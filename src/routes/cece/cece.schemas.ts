import { z } from "@hono/zod-openapi";
import { timeCursorParam } from "../../lib/cursor-param.ts";
import { PaginationQuery } from "../../lib/pagination.ts";

export const CECE_VERSION = "1.0.0";

export const CeceBody = z
  .strictObject({
    input: z
      .string()
      .trim()
      .min(1, "input must not be empty")
      .max(16_000)
      .openapi({ example: "Should I refactor or rewrite?" }),
    memory_key: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "memory_key: 1–100 letters, digits, _ . : -")
      .optional(),
  })
  .openapi("CeceCognition");

export const AnalyzeBody = z
  .strictObject({ input: z.string().trim().min(1, "input must not be empty").max(16_000) })
  .openapi("CeceAnalyze");

export const HistoryQuery = PaginationQuery.extend({
  before: timeCursorParam("uuid", "runs started before it (ties by id)"),
});

export const AnalysisSchema = z
  .object({
    analysis: z.string(),
    run_id: z.string(),
    usage: z.object({
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
    }),
  })
  .openapi("CeceAnalysis");

export const CeceHealthSchema = z
  .object({
    status: z.enum(["healthy", "degraded"]),
    agent_available: z.boolean(),
    service: z.literal("cece-ultra"),
    version: z.string(),
    timestamp: z.string().openapi({ format: "date-time" }),
  })
  .openapi("CeceHealth");

export const CeceInfoSchema = z
  .object({
    name: z.string(),
    service: z.string(),
    version: z.string(),
    description: z.string(),
    stages: z.array(z.string()),
    agent: z.string(),
    retries: z.object({ limit: z.number().int(), delay: z.string(), backoff: z.string() }),
  })
  .openapi("CeceInfo");
