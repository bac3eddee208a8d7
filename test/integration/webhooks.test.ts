/**
 * The webhook receivers, with signatures computed here exactly as GitHub and Stripe compute
 * them: valid, tampered body, wrong secret, missing signature, old (and future) timestamp, replay,
 * wrong content type, no secret configured. Accepted deliveries are in the audit log (and so in
 * Prism); refused ones record nothing.
 */

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events } from "../../src/db/schema/index.ts";
import { createDatabase } from "../../src/lib/db.ts";
import { expectProblem, unique } from "../helpers/api.ts";
import { CONFIGURED, SECRETS } from "../helpers/fake-upstream.ts";
import { call, clearIntegrationCache, createAdmin } from "../helpers/integrations.ts";
import type { TestUser } from "../helpers/users.ts";

const db = createDatabase(env, createExecutionContext());
let admin: TestUser;
beforeAll(async () => {
  [admin] = await Promise.all([createAdmin(), clearIntegrationCache()]);
});

async function hmacHex(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

const problem = (r: { status: number; headers: Headers; text: string }, status: number) =>
  expectProblem(new Response(r.text, { status: r.status, headers: r.headers }), status);

/** Audit rows of one delivery or event id. */
async function recorded(type: string, key: string, id: string) {
  const rows = await db
    .select({ id: events.id, metadata: events.metadata })
    .from(events)
    .where(and(eq(events.type, type), sql`${events.metadata} ->> ${key} = ${id}`));
  return rows;
}

// ------------------------------------------------------------------------------------------ GitHub
async function githubDelivery(
  opts: {
    event?: string;
    delivery?: string;
    body?: string;
    secret?: string;
    tamper?: boolean;
    signature?: string | null;
    contentType?: string;
  } = {},
) {
  const delivery = opts.delivery ?? crypto.randomUUID();
  const body =
    opts.body ??
    JSON.stringify({
      action: "opened",
      number: 7,
      pull_request: { number: 7, title: "x" },
      repository: { full_name: "octo/demo" },
      sender: { login: "octo" },
    });
  const signature =
    opts.signature === undefined
      ? `sha256=${await hmacHex(opts.secret ?? SECRETS.GITHUB_WEBHOOK_SECRET, body)}`
      : opts.signature;
  const headers: Record<string, string> = {
    "Content-Type": opts.contentType ?? "application/json",
    "X-GitHub-Event": opts.event ?? "pull_request",
    "X-GitHub-Delivery": delivery,
  };
  if (signature !== null) headers["X-Hub-Signature-256"] = signature;
  const sent = opts.tamper ? body.replace("opened", "closed") : body;
  return { delivery, res: await call(null, "/api/webhooks/github", { method: "POST", headers, body: sent }) };
}

describe("POST /api/webhooks/github", () => {
  it("accepts a correctly signed delivery once, records it (visible in Prism's audit log), and refuses its replay", async () => {
    const { delivery, res } = await githubDelivery();
    expect(res.status, res.text).toBe(202);
    expect(res.json).toEqual({ status: "received", event: "pull_request", action: "opened", delivery_id: delivery });
    const rows = await recorded("webhook.github", "delivery_id", delivery);
    expect(rows.length).toBe(1);
    expect(rows[0]!.metadata).toEqual({
      delivery_id: delivery,
      event: "pull_request",
      action: "opened",
      repository: "octo/demo",
      sender: "octo",
      number: 7,
    });

    const replay = await githubDelivery({ delivery });
    expect((await problem(replay.res, 409)).type).toMatch(/\/webhook-replay$/);
    expect((await recorded("webhook.github", "delivery_id", delivery)).length).toBe(1);

    const prism = await call(admin, "/api/prism/events?type=webhook.github&limit=100");
    expect(prism.status, prism.text).toBe(200);
    expect(
      prism.json.items.some((e: { metadata: { delivery_id?: string } }) => e.metadata.delivery_id === delivery),
    ).toBe(true);
  });

  it("answers a ping with pong (and records it)", async () => {
    const { delivery, res } = await githubDelivery({
      event: "ping",
      body: JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: "pong", event: "ping", delivery_id: delivery });
    expect((await recorded("webhook.github", "delivery_id", delivery)).length).toBe(1);
  });

  const refusals: Array<[string, Parameters<typeof githubDelivery>[0], number, RegExp]> = [
    ["a tampered body", { tamper: true }, 401, /invalid-signature$/],
    ["the wrong secret", { secret: "not-the-secret-0123456789" }, 401, /invalid-signature$/],
    ["no signature", { signature: null }, 401, /invalid-signature$/],
    ["a sha1 signature", { signature: "sha1=0123456789abcdef0123456789abcdef01234567" }, 401, /invalid-signature$/],
    ["a signature that is not hex", { signature: `sha256=${"z".repeat(64)}` }, 401, /invalid-signature$/],
    ["a form-encoded body", { contentType: "application/x-www-form-urlencoded" }, 415, /unsupported-media-type$/],
    ["a body that is not JSON (signed)", { body: "not json" }, 400, /malformed-request$/],
  ];
  for (const [what, opts, status, type] of refusals) {
    it(`refuses ${what} with ${status} and records nothing`, async () => {
      const { delivery, res } = await githubDelivery(opts);
      expect((await problem(res, status)).type).toMatch(type);
      expect(await recorded("webhook.github", "delivery_id", delivery)).toEqual([]);
    });
  }

  it("requires X-GitHub-Event and X-GitHub-Delivery", async () => {
    const body = "{}";
    const signature = `sha256=${await hmacHex(SECRETS.GITHUB_WEBHOOK_SECRET, body)}`;
    const noEvent = await call(null, "/api/webhooks/github", {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature,
        "X-GitHub-Delivery": unique("d"),
      },
    });
    expect((await problem(noEvent, 422)).detail).toContain("x-github-event");
    const noDelivery = await call(null, "/api/webhooks/github", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature, "X-GitHub-Event": "push" },
    });
    expect((await problem(noDelivery, 422)).detail).toContain("x-github-delivery");
  });

  it("without GITHUB_WEBHOOK_SECRET: 503 naming it (never an unchecked accept), nothing recorded", async () => {
    const delivery = crypto.randomUUID();
    const res = await call(
      null,
      "/api/webhooks/github",
      {
        method: "POST",
        body: "{}",
        headers: { "Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": delivery },
      },
      { ...CONFIGURED, GITHUB_WEBHOOK_SECRET: "" },
    );
    const p = await problem(res, 503);
    expect(p.type).toMatch(/\/integration-not-configured$/);
    expect(p.detail).toContain("GITHUB_WEBHOOK_SECRET");
    expect(await recorded("webhook.github", "delivery_id", delivery)).toEqual([]);
  });

  it("refuses a body above 1 MiB with 413", async () => {
    const { res } = await githubDelivery({ body: JSON.stringify({ a: "x".repeat(1_100_000) }) });
    await problem(res, 413);
  });
});

// ------------------------------------------------------------------------------------------ Stripe
async function stripeEvent(
  opts: { id?: string; at?: number; secret?: string; tamper?: boolean; header?: string; contentType?: string } = {},
) {
  const id = opts.id ?? `evt_${crypto.randomUUID().replaceAll("-", "")}`;
  const body = JSON.stringify({
    id,
    object: "event",
    type: "payment_intent.succeeded",
    livemode: false,
    data: { object: { id: "pi_1", amount: 100 } },
  });
  const t = opts.at ?? Math.floor(Date.now() / 1000);
  const header =
    opts.header ??
    `t=${t},v1=${await hmacHex(opts.secret ?? SECRETS.STRIPE_WEBHOOK_SECRET, `${t}.${body}`)},v0=deadbeef`;
  const sent = opts.tamper ? body.replace("100", "999") : body;
  return {
    id,
    res: await call(null, "/api/webhooks/stripe", {
      method: "POST",
      body: sent,
      headers: { "Content-Type": opts.contentType ?? "application/json", "Stripe-Signature": header },
    }),
  };
}

describe("POST /api/webhooks/stripe", () => {
  it("accepts a correctly signed event once, records it, and refuses its replay (even freshly re-signed)", async () => {
    const { id, res } = await stripeEvent();
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ received: true, id, type: "payment_intent.succeeded" });
    const rows = await recorded("webhook.stripe", "event_id", id);
    expect(rows.map((r) => r.metadata)).toEqual([{ event_id: id, type: "payment_intent.succeeded", livemode: false }]);
    const replay = await stripeEvent({ id });
    expect((await problem(replay.res, 409)).type).toMatch(/\/webhook-replay$/);
    expect((await recorded("webhook.stripe", "event_id", id)).length).toBe(1);
  });

  it("accepts a second v1 signature (during secret rotation)", async () => {
    const id = `evt_${crypto.randomUUID().replaceAll("-", "")}`;
    const body = JSON.stringify({ id, type: "customer.created" });
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${await hmacHex("whsec_old_secret_000000", `${t}.${body}`)},v1=${await hmacHex(SECRETS.STRIPE_WEBHOOK_SECRET, `${t}.${body}`)}`;
    const res = await call(null, "/api/webhooks/stripe", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "Stripe-Signature": header },
    });
    expect(res.status, res.text).toBe(200);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: Array<[string, () => Parameters<typeof stripeEvent>[0], number, RegExp]> = [
    ["a tampered body", () => ({ tamper: true }), 401, /invalid-signature$/],
    ["the wrong secret", () => ({ secret: "whsec_wrong_0123456789" }), 401, /invalid-signature$/],
    ["a timestamp 6 minutes old (correctly signed)", () => ({ at: now() - 360 }), 401, /invalid-signature$/],
    ["a timestamp 6 minutes ahead (correctly signed)", () => ({ at: now() + 360 }), 401, /invalid-signature$/],
    ["a header without v1", () => ({ header: `t=${now()},v0=abc` }), 400, /malformed-signature$/],
    ["a header without t", () => ({ header: `v1=${"a".repeat(64)}` }), 400, /malformed-signature$/],
    ["a text/plain body", () => ({ contentType: "text/plain" }), 415, /unsupported-media-type$/],
  ];
  for (const [what, opts, status, type] of refusals) {
    it(`refuses ${what} with ${status} and records nothing`, async () => {
      const { id, res } = await stripeEvent(opts());
      expect((await problem(res, status)).type).toMatch(type);
      expect(await recorded("webhook.stripe", "event_id", id)).toEqual([]);
    });
  }

  it("a timestamp 4 minutes old is inside the tolerance", async () => {
    const { res } = await stripeEvent({ at: now() - 240 });
    expect(res.status, res.text).toBe(200);
  });

  it("without STRIPE_WEBHOOK_SECRET: 503 naming it", async () => {
    const res = await call(
      null,
      "/api/webhooks/stripe",
      { method: "POST", body: "{}", headers: { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=ab" } },
      { ...CONFIGURED, STRIPE_WEBHOOK_SECRET: "" },
    );
    expect((await problem(res, 503)).detail).toContain("STRIPE_WEBHOOK_SECRET");
  });
});

describe("GET /api/webhooks/status", () => {
  it("says which receivers are configured, never the secrets", async () => {
    const res = await call(null, "/api/webhooks/status");
    expect(res.json).toMatchObject({
      github: { configured: true },
      stripe: { configured: true, tolerance_seconds: 300 },
      replay_window_hours: 72,
    });
    expect(res.text).not.toContain(SECRETS.GITHUB_WEBHOOK_SECRET);
    const none = await call(null, "/api/webhooks/status", {}, {});
    expect(none.json).toMatchObject({ github: { configured: false }, stripe: { configured: false } });
  });
});
