import { problemResponses } from "../../lib/problem-responses.ts";
import { BlockSchema } from "../blockchain/blockchain.schemas.ts";
import { json, routeKit } from "../route-kit.ts";
import { SubmitBody, TemplateQuery, TemplateSchema } from "./mining.schemas.ts";

const { user } = routeKit(
  "RoadChain",
  "The hash-chained proof-of-work ledger: blocks, wallets, transfers and verification",
);

export const template = user({
  operationId: "getMiningTemplate",
  method: "get",
  path: "/api/blockchain/mining/template",
  summary: "The next block to mine: its header without the nonce, for your wallet",
  description:
    "The header of the next block (previous hash, height, merkle root of the pending transactions it includes, the reward " +
    "to your primary wallet, timestamp, difficulty) with the target its hash must meet. Find a nonce such that SHA-256 of " +
    "`work.prefix + nonce + work.suffix` starts with `target`, then POST it to /api/blockchain/mining/submit within two " +
    "minutes. Difficulty and reward follow the chain's issuance rules (README).",
  request: { query: TemplateQuery },
  responses: {
    200: json(TemplateSchema, "The template"),
    ...problemResponses(404, 422),
  },
});

export const submit = user({
  operationId: "submitMinedBlock",
  method: "post",
  path: "/api/blockchain/mining/submit",
  summary: "Submit the nonce you found: the server checks it with one hash and appends the block",
  description:
    "201 with the new block. 409 when the template is stale (another block landed first, an included transaction was " +
    "confirmed meanwhile, or it expired): fetch a new one. 422 when the nonce is no valid proof of work or the template " +
    "was not issued to you.",
  request: { body: { required: true, content: { "application/json": { schema: SubmitBody } } } },
  responses: {
    201: json(BlockSchema, "The new block"),
    ...problemResponses(409, 413, 415, 422),
  },
});
