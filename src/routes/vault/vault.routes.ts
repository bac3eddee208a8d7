import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/errors.ts";
import { AUTH_PROBLEM_STATUSES, BEARER_SECURITY, requireAuth } from "../../middleware/auth.ts";
import * as s from "./vault.schemas.ts";

const common = { tags: ["IP Vault"], middleware: [requireAuth], security: BEARER_SECURITY };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const AUTH = AUTH_PROBLEM_STATUSES;

export const create = createRoute({
  ...common, method: "post", path: "/api/vault/leos",
  summary: "Record an idea: its canonical text and SHA-256, SHA-512 and SHA3-256",
  request: { body: { required: true, content: { "application/json": { schema: s.CreateBody } } } },
  responses: { 201: json(s.EntrySchema, "The entry"), ...problemResponses(...AUTH, 413, 415, 422) },
});

export const list = createRoute({
  ...common, method: "get", path: "/api/vault/leos",
  summary: "My vault entries, newest first",
  request: { query: s.ListQuery },
  responses: { 200: json(s.ListSchema, "A page"), ...problemResponses(...AUTH, 422) },
});

export const get = createRoute({
  ...common, method: "get", path: "/api/vault/leos/{id}",
  summary: "One of my vault entries",
  request: { params: s.IdParams },
  responses: { 200: json(s.EntrySchema, "The entry"), ...problemResponses(...AUTH, 404, 422) },
});

export const anchor = createRoute({
  ...common, method: "post", path: "/api/vault/leos/{id}/anchor",
  summary: "Anchor the entry's SHA-256 on RoadChain: a zero-amount transaction to myself, signed by my wallet, mined like any other",
  request: { params: s.IdParams },
  responses: { 202: json(s.EntrySchema, "Pending until a block includes it"), ...problemResponses(...AUTH, 404, 409, 422) },
});

export const events = createRoute({
  ...common, method: "get", path: "/api/vault/leos/{id}/events",
  summary: "What happened to the entry: created, anchor_requested, anchored",
  request: { params: s.IdParams },
  responses: { 200: json(z.array(s.EventSchema), "Events, oldest first"), ...problemResponses(...AUTH, 404, 422) },
});

export const proof = createRoute({
  ...common, method: "get", path: "/api/vault/leos/{id}/proof",
  summary: "Everything needed to check the anchor offline: text hash, transaction, Merkle path, block header and hash, headers up to the head",
  request: { params: s.IdParams },
  responses: { 200: json(s.ProofSchema, "The proof (scripts/verify-vault-proof.mjs checks it)"), ...problemResponses(...AUTH, 404, 409, 422) },
});
