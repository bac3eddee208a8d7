/**
 * Stripe, Twilio, Slack and Discord against fakes at the network edge: each operation's exact
 * upstream request (method, path, query, auth header, body encoding) and our filtered answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONFIGURED, installFakeUpstreams, SECRETS } from "../helpers/fake-upstream.ts";
import { clearIntegrationCache, createAdmin, type HappyCase, runHappyCase } from "../helpers/integrations.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const fake = installFakeUpstreams();
afterAll(() => fake.uninstall());
beforeEach(() => fake.reset());

let admin: TestUser;
let user: TestUser;
beforeAll(async () => {
  [admin, user] = await Promise.all([createAdmin(), createUser(), clearIntegrationCache()]);
});

const bearer =
  (token: string, scheme = "Bearer") =>
  (h: Headers) =>
    expect(h.get("authorization")).toBe(`${scheme} ${token}`);

function suite(title: string, auth: (h: Headers) => void, cases: HappyCase[]) {
  describe(`${title} against a fake ${title}`, () => {
    for (const c of cases)
      it(`${c.name}: the exact upstream request, our filtered answer`, () =>
        runHappyCase(fake, c, { admin, user }, auth));
  });
}

// ------------------------------------------------------------------------------------------ Stripe
const pi = {
  id: "pi_123",
  object: "payment_intent",
  amount: 1999,
  currency: "usd",
  status: "requires_payment_method",
  description: "Order 42",
  customer: null,
  created: 1700000000,
  livemode: false,
  metadata: { order: "42" },
  client_secret: "pi_123_secret_abc",
  payment_method_types: ["card"],
};
const ourPi = {
  id: "pi_123",
  amount: 1999,
  currency: "usd",
  status: "requires_payment_method",
  description: "Order 42",
  customer: null,
  created: 1700000000,
  livemode: false,
  metadata: { order: "42" },
};
const cus = {
  id: "cus_9",
  object: "customer",
  email: "a@example.com",
  name: "Ada",
  description: null,
  created: 1700000000,
  livemode: false,
  invoice_settings: {},
  balance: 0,
};
const ourCus = {
  id: "cus_9",
  email: "a@example.com",
  name: "Ada",
  description: null,
  created: 1700000000,
  livemode: false,
};
suite("Stripe", bearer(SECRETS.STRIPE_SECRET_KEY), [
  {
    name: "create payment intent (form-encoded, metadata in brackets, Idempotency-Key)",
    as: "admin",
    method: "POST",
    path: "/api/stripe/payment-intents",
    headers: { "Idempotency-Key": "order-42-attempt" },
    json: { amount: 1999, description: "Order 42", metadata: { order: "42" } },
    route: "POST stripe/v1/payment_intents",
    reply: () => Response.json(pi),
    upstream: {
      method: "POST",
      path: "stripe/v1/payment_intents",
      form: { amount: "1999", currency: "usd", description: "Order 42", "metadata[order]": "42" },
      headers: { "idempotency-key": "order-42-attempt" },
    },
    status: 201,
    response: ourPi,
  },
  {
    name: "get payment intent",
    as: "admin",
    path: "/api/stripe/payment-intents/pi_123",
    route: "GET stripe/v1/payment_intents/pi_123",
    reply: () => Response.json(pi),
    upstream: { method: "GET", path: "stripe/v1/payment_intents/pi_123" },
    status: 200,
    response: ourPi,
  },
  {
    name: "list customers",
    as: "admin",
    path: "/api/stripe/customers?limit=2&email=a@example.com",
    route: "GET stripe/v1/customers",
    reply: () => Response.json({ object: "list", data: [cus], has_more: false, url: "/v1/customers" }),
    upstream: { method: "GET", path: "stripe/v1/customers", query: { limit: "2", email: "a@example.com" } },
    status: 200,
    response: { data: [ourCus], has_more: false },
  },
  {
    name: "create customer",
    as: "admin",
    method: "POST",
    path: "/api/stripe/customers",
    json: { email: "a@example.com", name: "Ada" },
    route: "POST stripe/v1/customers",
    reply: () => Response.json(cus),
    upstream: { method: "POST", path: "stripe/v1/customers", form: { email: "a@example.com", name: "Ada" } },
    status: 201,
    response: ourCus,
  },
  {
    name: "get customer",
    as: "admin",
    path: "/api/stripe/customers/cus_9",
    route: "GET stripe/v1/customers/cus_9",
    reply: () => Response.json(cus),
    upstream: { method: "GET", path: "stripe/v1/customers/cus_9" },
    status: 200,
    response: ourCus,
  },
  {
    name: "list products",
    as: "admin",
    path: "/api/stripe/products?active=true",
    route: "GET stripe/v1/products",
    reply: () =>
      Response.json({
        data: [
          { id: "prod_1", object: "product", name: "Pro", active: true, description: null, created: 1, images: [] },
        ],
        has_more: true,
      }),
    upstream: { method: "GET", path: "stripe/v1/products", query: { limit: "20", active: "true" } },
    status: 200,
    response: { data: [{ id: "prod_1", name: "Pro", active: true, description: null, created: 1 }], has_more: true },
  },
  {
    name: "list prices",
    as: "admin",
    path: "/api/stripe/prices?product=prod_1",
    route: "GET stripe/v1/prices",
    reply: () =>
      Response.json({
        data: [
          {
            id: "price_1",
            product: "prod_1",
            active: true,
            currency: "usd",
            unit_amount: 900,
            type: "recurring",
            recurring: { interval: "month", interval_count: 1, usage_type: "licensed" },
            tax_behavior: "x",
          },
        ],
        has_more: false,
      }),
    upstream: { method: "GET", path: "stripe/v1/prices", query: { limit: "20", product: "prod_1" } },
    status: 200,
    response: {
      data: [
        {
          id: "price_1",
          product: "prod_1",
          active: true,
          currency: "usd",
          unit_amount: 900,
          type: "recurring",
          recurring: { interval: "month", interval_count: 1 },
        },
      ],
      has_more: false,
    },
  },
  {
    name: "balance",
    as: "admin",
    path: "/api/stripe/balance",
    route: "GET stripe/v1/balance",
    reply: () =>
      Response.json({
        object: "balance",
        available: [{ amount: 500, currency: "usd", source_types: { card: 500 } }],
        pending: [],
        livemode: false,
        connect_reserved: [],
      }),
    upstream: { method: "GET", path: "stripe/v1/balance" },
    status: 200,
    response: { available: [{ amount: 500, currency: "usd" }], pending: [], livemode: false },
  },
]);

// ------------------------------------------------------------------------------------------ Twilio
const SID = CONFIGURED.TWILIO_ACCOUNT_SID!;
const msg = {
  sid: "SM0123456789abcdef0123456789abcdef",
  status: "queued",
  to: "+15551234567",
  from: "+15005550006",
  body: "hello",
  direction: "outbound-api",
  num_segments: "1",
  price: null,
  price_unit: "USD",
  date_created: "Thu, 01 Jan 2026 00:00:00 +0000",
  date_sent: null,
  error_code: null,
  account_sid: SID,
  uri: "/x",
  subresource_uris: {},
};
const ourMsg = {
  sid: msg.sid,
  status: "queued",
  to: "+15551234567",
  from: "+15005550006",
  body: "hello",
  direction: "outbound-api",
  num_segments: "1",
  price: null,
  price_unit: "USD",
  date_created: msg.date_created,
  date_sent: null,
  error_code: null,
};
suite("Twilio", (h) => expect(h.get("authorization")).toBe(`Basic ${btoa(`${SID}:${SECRETS.TWILIO_AUTH_TOKEN}`)}`), [
  {
    name: "account",
    as: "admin",
    path: "/api/twilio/account",
    route: `GET twilio/2010-04-01/Accounts/${SID}.json`,
    reply: () =>
      Response.json({
        sid: SID,
        friendly_name: "BlackRoad",
        status: "active",
        type: "Full",
        auth_token: SECRETS.TWILIO_AUTH_TOKEN,
      }),
    upstream: { method: "GET", path: `twilio/2010-04-01/Accounts/${SID}.json` },
    status: 200,
    response: { sid: SID, friendly_name: "BlackRoad", status: "active", type: "Full" },
  },
  {
    name: "send SMS (form-encoded, from TWILIO_PHONE_NUMBER)",
    as: "admin",
    method: "POST",
    path: "/api/twilio/sms",
    json: { to: "+15551234567", message: "hello" },
    route: `POST twilio/2010-04-01/Accounts/${SID}/Messages.json`,
    reply: () => Response.json(msg, { status: 201 }),
    upstream: {
      method: "POST",
      path: `twilio/2010-04-01/Accounts/${SID}/Messages.json`,
      form: { To: "+15551234567", From: "+15005550006", Body: "hello" },
    },
    status: 201,
    response: ourMsg,
  },
  {
    name: "list messages",
    as: "admin",
    path: "/api/twilio/messages?limit=5",
    route: `GET twilio/2010-04-01/Accounts/${SID}/Messages.json`,
    reply: () => Response.json({ messages: [msg], next_page_uri: null }),
    upstream: { method: "GET", path: `twilio/2010-04-01/Accounts/${SID}/Messages.json`, query: { PageSize: "5" } },
    status: 200,
    response: [ourMsg],
  },
  {
    name: "get message",
    as: "admin",
    path: `/api/twilio/messages/${msg.sid}`,
    route: `GET twilio/2010-04-01/Accounts/${SID}/Messages/${msg.sid}.json`,
    reply: () => Response.json(msg),
    upstream: { method: "GET", path: `twilio/2010-04-01/Accounts/${SID}/Messages/${msg.sid}.json` },
    status: 200,
    response: ourMsg,
  },
]);

describe("Twilio WhatsApp", () => {
  it("needs TWILIO_WHATSAPP_NUMBER (503 naming it), then sends whatsapp:-prefixed numbers", async () => {
    const { call } = await import("../helpers/integrations.ts");
    const r = await call(admin, "/api/twilio/whatsapp", {
      method: "POST",
      json: { to: "+15551234567", message: "hi" },
    });
    expect(r.status).toBe(503);
    expect(r.json.detail).toContain("TWILIO_WHATSAPP_NUMBER");
    expect(fake.calls).toEqual([]);
    fake.on(`POST twilio/2010-04-01/Accounts/${SID}/Messages.json`, () =>
      Response.json({ ...msg, to: "whatsapp:+15551234567" }, { status: 201 }),
    );
    const ok = await call(
      admin,
      "/api/twilio/whatsapp",
      { method: "POST", json: { to: "+15551234567", message: "hi" } },
      { ...CONFIGURED, TWILIO_WHATSAPP_NUMBER: "+14155238886" },
    );
    expect(ok.status, ok.text).toBe(201);
    expect(Object.fromEntries(new URLSearchParams(fake.calls[0]!.body))).toEqual({
      To: "whatsapp:+15551234567",
      From: "whatsapp:+14155238886",
      Body: "hi",
    });
  });
});

// ------------------------------------------------------------------------------------------ Slack
suite("Slack", bearer(SECRETS.SLACK_BOT_TOKEN), [
  {
    name: "auth test",
    as: "admin",
    path: "/api/slack/auth",
    route: "POST slack/auth.test",
    reply: () =>
      Response.json({
        ok: true,
        team: "BlackRoad",
        team_id: "T1",
        user: "bot",
        user_id: "U1",
        url: "https://blackroad.slack.com/",
        bot_id: "B1",
      }),
    upstream: { method: "POST", path: "slack/auth.test" },
    status: 200,
    response: { team: "BlackRoad", team_id: "T1", user: "bot", user_id: "U1", url: "https://blackroad.slack.com/" },
  },
  {
    name: "post message",
    as: "admin",
    method: "POST",
    path: "/api/slack/messages",
    json: { channel: "C123", text: "Deployed", thread_ts: "1700000000.000100" },
    route: "POST slack/chat.postMessage",
    reply: () =>
      Response.json({
        ok: true,
        channel: "C123",
        ts: "1700000001.000200",
        message: { text: "Deployed", bot_id: "B1" },
      }),
    upstream: {
      method: "POST",
      path: "slack/chat.postMessage",
      json: { channel: "C123", text: "Deployed", thread_ts: "1700000000.000100" },
    },
    status: 201,
    response: { channel: "C123", ts: "1700000001.000200" },
  },
  {
    name: "channels",
    as: "admin",
    path: "/api/slack/channels?limit=10",
    route: "GET slack/conversations.list",
    reply: () =>
      Response.json({
        ok: true,
        channels: [
          { id: "C1", name: "general", is_private: false, is_archived: false, num_members: 4, purpose: { value: "x" } },
        ],
        response_metadata: { next_cursor: "" },
      }),
    upstream: { method: "GET", path: "slack/conversations.list", query: { limit: "10", exclude_archived: "true" } },
    status: 200,
    response: {
      channels: [{ id: "C1", name: "general", is_private: false, is_archived: false, num_members: 4 }],
      next_cursor: null,
    },
  },
  {
    name: "user",
    as: "admin",
    path: "/api/slack/users/U12345",
    route: "GET slack/users.info",
    reply: () =>
      Response.json({
        ok: true,
        user: {
          id: "U12345",
          name: "ada",
          real_name: "Ada L",
          is_bot: false,
          tz: "Europe/London",
          profile: { email: "ada@example.com", phone: "1" },
        },
      }),
    upstream: { method: "GET", path: "slack/users.info", query: { user: "U12345" } },
    status: 200,
    response: { id: "U12345", name: "ada", real_name: "Ada L", is_bot: false, tz: "Europe/London" },
  },
]);

describe("Slack incoming webhook", () => {
  it("posts JSON to SLACK_WEBHOOK_URL without an Authorization header; needs only that variable", async () => {
    const { call } = await import("../helpers/integrations.ts");
    fake.on("POST hooks.slack/services/", () => new Response("ok"));
    const onlyWebhook = { ...CONFIGURED, SLACK_BOT_TOKEN: "" };
    const r = await call(admin, "/api/slack/webhook", { method: "POST", json: { text: "Hi" } }, onlyWebhook);
    expect(r.status, r.text).toBe(201);
    expect(r.json).toEqual({ sent: true });
    const sent = fake.calls[0]!;
    expect(sent.url.toString()).toBe(SECRETS.SLACK_WEBHOOK_URL);
    expect(sent.headers.get("authorization")).toBeNull();
    expect(JSON.parse(sent.body)).toEqual({ text: "Hi", username: "BlackRoad OS", icon_emoji: ":robot_face:" });
    const none = await call(
      admin,
      "/api/slack/webhook",
      { method: "POST", json: { text: "Hi" } },
      { ...CONFIGURED, SLACK_WEBHOOK_URL: "" },
    );
    expect(none.status).toBe(503);
    expect(none.json.detail).toContain("SLACK_WEBHOOK_URL");
  });
});

// ------------------------------------------------------------------------------------------ Discord
const dmsg = {
  id: "1100000000000000001",
  channel_id: "1100000000000000002",
  content: "Deployed",
  timestamp: "2026-01-01T00:00:00+00:00",
  author: { id: "9", username: "blackroad-bot", bot: true },
  mentions: [],
  tts: false,
};
const ourDmsg = {
  id: "1100000000000000001",
  channel_id: "1100000000000000002",
  content: "Deployed",
  timestamp: "2026-01-01T00:00:00+00:00",
  author: "blackroad-bot",
};
suite("Discord", bearer(SECRETS.DISCORD_BOT_TOKEN, "Bot"), [
  {
    name: "me",
    as: "admin",
    path: "/api/discord/me",
    route: "GET discord/api/v10/users/@me",
    reply: () => Response.json({ id: "9", username: "blackroad-bot", bot: true, mfa_enabled: false }),
    upstream: { method: "GET", path: "discord/api/v10/users/@me" },
    status: 200,
    response: { id: "9", username: "blackroad-bot", bot: true },
  },
  {
    name: "guilds",
    as: "admin",
    path: "/api/discord/guilds",
    route: "GET discord/api/v10/users/@me/guilds",
    reply: () => Response.json([{ id: "1", name: "BlackRoad", owner: false, permissions: "8", features: [] }]),
    upstream: { method: "GET", path: "discord/api/v10/users/@me/guilds" },
    status: 200,
    response: [{ id: "1", name: "BlackRoad", owner: false }],
  },
  {
    name: "guild channels",
    as: "admin",
    path: "/api/discord/guilds/1100000000000000003/channels",
    route: "GET discord/api/v10/guilds/1100000000000000003/channels",
    reply: () => Response.json([{ id: "2", name: "general", type: 0, position: 1, permission_overwrites: [] }]),
    upstream: { method: "GET", path: "discord/api/v10/guilds/1100000000000000003/channels" },
    status: 200,
    response: [{ id: "2", name: "general", type: 0, position: 1 }],
  },
  {
    name: "channel messages",
    as: "admin",
    path: "/api/discord/channels/1100000000000000002/messages?limit=5",
    route: "GET discord/api/v10/channels/1100000000000000002/messages",
    reply: () => Response.json([dmsg]),
    upstream: { method: "GET", path: "discord/api/v10/channels/1100000000000000002/messages", query: { limit: "5" } },
    status: 200,
    response: [ourDmsg],
  },
  {
    name: "send message (no mentions parsed)",
    as: "admin",
    method: "POST",
    path: "/api/discord/channels/1100000000000000002/messages",
    json: { content: "Deployed" },
    route: "POST discord/api/v10/channels/1100000000000000002/messages",
    reply: () => Response.json(dmsg),
    upstream: {
      method: "POST",
      path: "discord/api/v10/channels/1100000000000000002/messages",
      json: { content: "Deployed", allowed_mentions: { parse: [] } },
    },
    status: 201,
    response: ourDmsg,
  },
]);

describe("Discord incoming webhook", () => {
  it("posts to DISCORD_WEBHOOK_URL?wait=true without an Authorization header", async () => {
    const { call } = await import("../helpers/integrations.ts");
    fake.on("POST discord-hooks/api/webhooks/", () => Response.json(dmsg));
    const r = await call(
      admin,
      "/api/discord/webhook",
      { method: "POST", json: { content: "Deployed", username: "CI" } },
      { ...CONFIGURED, DISCORD_BOT_TOKEN: "" },
    );
    expect(r.status, r.text).toBe(201);
    expect(r.json).toEqual(ourDmsg);
    const sent = fake.calls[0]!;
    expect(sent.url.toString()).toBe(`${SECRETS.DISCORD_WEBHOOK_URL}?wait=true`);
    expect(sent.headers.get("authorization")).toBeNull();
    expect(JSON.parse(sent.body)).toEqual({ content: "Deployed", username: "CI", allowed_mentions: { parse: [] } });
  });
});
