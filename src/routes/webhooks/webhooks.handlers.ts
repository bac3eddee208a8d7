import type { Context } from "hono";
import { clientIp, userAgent } from "../../lib/client-info.ts";
import { ApiError, badRequest, serviceUnavailable } from "../../lib/errors.ts";
import { MAX_BODY_BYTES } from "../../middleware/http-guards.ts";
import { recordEvent } from "../../services/audit.ts";
import {
  claimDelivery,
  parseStripeSignature,
  REPLAY_TTL_SECONDS,
  releaseDelivery,
  STRIPE_TOLERANCE_SECONDS,
  verifyGitHubSignature,
  verifyStripeSignature,
} from "../../services/integrations/webhooks.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import type * as routes from "./webhooks.routes.ts";

type Ctx = Context<AppBindings, any, any>;

const notConfigured = (what: string, variable: string) =>
  new ApiError(503, "integration-not-configured", `${what} webhooks are not configured: set ${variable}`);
const badSignature = (detail: string) => new ApiError(401, "invalid-signature", detail);

/** The raw body as sent (the signature covers these bytes), after the content-type check. */
async function rawJsonBody(c: Ctx): Promise<Uint8Array> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(
      415,
      "unsupported-media-type",
      "Webhook bodies must be application/json (set the webhook's content type to JSON)",
    );
  }
  return new Uint8Array(await c.req.arrayBuffer());
}

function parseJson(body: Uint8Array): Record<string, unknown> {
  try {
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  throw badRequest("The body is not a JSON object", "malformed-request");
}

/** Claims the id (409 on a replay), records the event, and gives the claim back if recording fails. */
async function claimAndRecord(c: Ctx, source: "github" | "stripe", id: string, metadata: Record<string, unknown>) {
  const redis = c.var.services.redis;
  let fresh: boolean;
  try {
    fresh = await claimDelivery(redis, source, id);
  } catch {
    // Without the replay memory a replay could not be told apart: refuse, and the sender retries.
    throw serviceUnavailable(
      "Deliveries cannot be checked for replays right now; retry shortly",
      "webhook-store-unavailable",
    );
  }
  if (!fresh) throw new ApiError(409, "webhook-replay", `Delivery ${id} was already received`);
  try {
    await recordEvent(c.var.services.db, {
      type: `webhook.${source}`,
      ip: clientIp(c.req.raw.headers),
      userAgent: userAgent(c.req.raw.headers),
      metadata,
    });
  } catch (err) {
    await releaseDelivery(redis, source, id);
    throw err;
  }
}

const str = (v: unknown, max = 200) => (typeof v === "string" ? v.slice(0, max) : null);

export const github: AppRouteHandler<typeof routes.github> = async (c) => {
  const secret = c.var.config.GITHUB_WEBHOOK_SECRET;
  if (!secret) throw notConfigured("GitHub", "GITHUB_WEBHOOK_SECRET");
  const headers = c.req.valid("header");
  const body = await rawJsonBody(c);
  if (!(await verifyGitHubSignature(secret, headers["x-hub-signature-256"], body))) {
    throw badSignature("X-Hub-Signature-256 is missing or does not match the body");
  }
  const payload = parseJson(body);
  const event = headers["x-github-event"];
  const delivery = headers["x-github-delivery"];
  const action = str(payload.action, 64);
  const repository = str((payload.repository as { full_name?: unknown } | undefined)?.full_name);
  const sender = str((payload.sender as { login?: unknown } | undefined)?.login, 100);
  const number =
    (payload.pull_request as { number?: unknown } | undefined)?.number ??
    (payload.issue as { number?: unknown } | undefined)?.number;
  await claimAndRecord(c, "github", delivery, {
    delivery_id: delivery,
    event,
    action,
    repository,
    sender,
    ...(typeof number === "number" ? { number } : {}),
  });
  const receipt = { event, action, delivery_id: delivery };
  return event === "ping"
    ? c.json({ status: "pong" as const, ...receipt }, 200)
    : c.json({ status: "received" as const, ...receipt }, 202);
};

export const stripe: AppRouteHandler<typeof routes.stripe> = async (c) => {
  const secret = c.var.config.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw notConfigured("Stripe", "STRIPE_WEBHOOK_SECRET");
  const signature = parseStripeSignature(c.req.valid("header")["stripe-signature"]);
  if (!signature) throw badRequest("Stripe-Signature must carry t= and at least one v1=", "malformed-signature");
  const body = await rawJsonBody(c);
  if (!(await verifyStripeSignature(secret, signature, body)))
    throw badSignature("Stripe-Signature does not match the body");
  // Checked after the signature, so the timestamp is the one Stripe signed.
  if (Math.abs(Date.now() / 1000 - signature.timestamp) > STRIPE_TOLERANCE_SECONDS) {
    throw badSignature(
      `The signature's timestamp is more than ${STRIPE_TOLERANCE_SECONDS / 60} minutes from now (a replay, or a clock off)`,
    );
  }
  const payload = parseJson(body);
  const id = str(payload.id, 255);
  const type = str(payload.type, 100);
  if (!id || !/^evt_[A-Za-z0-9]+$/.test(id) || !type)
    throw badRequest("A Stripe event needs an id (evt_…) and a type", "malformed-request");
  await claimAndRecord(c, "stripe", id, { event_id: id, type, livemode: payload.livemode === true });
  return c.json({ received: true as const, id, type }, 200);
};

export const status: AppRouteHandler<typeof routes.status> = (c) =>
  c.json(
    {
      github: { configured: Boolean(c.var.config.GITHUB_WEBHOOK_SECRET), path: "/api/webhooks/github" },
      stripe: {
        configured: Boolean(c.var.config.STRIPE_WEBHOOK_SECRET),
        path: "/api/webhooks/stripe",
        tolerance_seconds: STRIPE_TOLERANCE_SECONDS,
      },
      replay_window_hours: REPLAY_TTL_SECONDS / 3600,
      max_body_bytes: MAX_BODY_BYTES,
    },
    200,
  );
