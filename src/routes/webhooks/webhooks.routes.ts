import { problemResponses } from "../../lib/problem-responses.ts";
import { routeKit } from "../route-kit.ts";
import {
  GitHubReceiptSchema,
  GitHubWebhookHeaders,
  StripeReceiptSchema,
  StripeWebhookHeaders,
  WebhookStatusSchema,
} from "./webhooks.schemas.ts";

const { anyone } = routeKit("Webhooks", "Signed deliveries from GitHub and Stripe, recorded in the audit log");

const SHARED =
  "Public (authenticated by the signature). The raw body, at most 1 MiB, must be `application/json`. Refusals record nothing.";

export const github = anyone({
  operationId: "webhooksGitHub",
  method: "post",
  path: "/api/webhooks/github",
  summary: "Receive a GitHub webhook delivery (signed with GITHUB_WEBHOOK_SECRET)",
  description: `${SHARED} Each \`X-GitHub-Delivery\` is accepted once (remembered 72 h); \`ping\` is answered with \`pong\`. Accepted deliveries are recorded in the audit log as \`webhook.github\`.`,
  request: { headers: GitHubWebhookHeaders },
  responses: {
    200: { description: "A ping, answered", content: { "application/json": { schema: GitHubReceiptSchema } } },
    202: { description: "Recorded", content: { "application/json": { schema: GitHubReceiptSchema } } },
    ...problemResponses(400, 401, 409, 413, 415, 422, 503),
  },
});

export const stripe = anyone({
  operationId: "webhooksStripe",
  method: "post",
  path: "/api/webhooks/stripe",
  summary: "Receive a Stripe event (Stripe-Signature, 5-minute tolerance)",
  description: `${SHARED} Each event id is accepted once (remembered 72 h). Accepted events are recorded in the audit log as \`webhook.stripe\`.`,
  request: { headers: StripeWebhookHeaders },
  responses: {
    200: { description: "Recorded", content: { "application/json": { schema: StripeReceiptSchema } } },
    ...problemResponses(400, 401, 409, 413, 415, 422, 503),
  },
});

export const status = anyone({
  operationId: "webhooksStatus",
  method: "get",
  path: "/api/webhooks/status",
  summary: "Which webhook receivers are configured (never their secrets)",
  responses: { 200: { description: "Status", content: { "application/json": { schema: WebhookStatusSchema } } } },
});
