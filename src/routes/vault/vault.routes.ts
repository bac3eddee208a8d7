import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageCursorHeaders } from "../keyset.ts";
import { json, routeKit } from "../route-kit.ts";
import * as s from "./vault.schemas.ts";

const { user } = routeKit("IP Vault", "Timestamped, chain-anchored records of my work, with proofs anyone can verify");

export const create = user({
  operationId: "createVaultEntry",
  method: "post",
  path: "/api/vault/leos",
  summary: "Record an idea: its canonical text and SHA-256, SHA-512 and SHA3-256",
  request: { body: { required: true, content: { "application/json": { schema: s.CreateBody } } } },
  responses: { 201: json(s.EntrySchema, "The entry"), ...problemResponses(413, 415, 422) },
});

export const list = user({
  operationId: "listVaultEntries",
  method: "get",
  path: "/api/vault/leos",
  summary: "My vault entries, newest first (keyset paging with ?before)",
  request: { query: s.ListQuery },
  responses: { 200: json(s.ListSchema, "A page", NextPageCursorHeaders), ...problemResponses(422) },
});

export const get = user({
  operationId: "getVaultEntry",
  method: "get",
  path: "/api/vault/leos/{id}",
  summary: "One of my vault entries",
  request: { params: s.IdParams },
  responses: { 200: json(s.EntrySchema, "The entry"), ...problemResponses(404, 422) },
});

export const anchor = user({
  operationId: "anchorVaultEntry",
  method: "post",
  path: "/api/vault/leos/{id}/anchor",
  summary:
    "Anchor the entry's SHA-256 on RoadChain: a zero-amount transaction to myself, signed by my wallet, mined like any other",
  request: { params: s.IdParams },
  responses: { 202: json(s.EntrySchema, "Pending until a block includes it"), ...problemResponses(404, 409, 422) },
});

export const events = user({
  operationId: "listVaultEntryEvents",
  method: "get",
  path: "/api/vault/leos/{id}/events",
  summary: "What happened to the entry: created, anchor_requested, anchored",
  request: { params: s.IdParams },
  responses: { 200: json(z.array(s.EventSchema), "Events, oldest first"), ...problemResponses(404, 422) },
});

export const proof = user({
  operationId: "getVaultEntryProof",
  method: "get",
  path: "/api/vault/leos/{id}/proof",
  summary:
    "Everything needed to check the anchor offline: text hash, transaction, Merkle path, block header and hash, headers up to the head",
  request: { params: s.IdParams },
  responses: {
    200: json(s.ProofSchema, "The proof (scripts/verify-vault-proof.mjs checks it)"),
    ...problemResponses(404, 409, 422),
  },
});
