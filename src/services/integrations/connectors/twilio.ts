import { z } from "zod";
import { defineConnector } from "../types.ts";

/**
 * Twilio Messaging (https://www.twilio.com/docs/messaging/api): HTTP basic auth with the account
 * SID and auth token, form-encoded writes. Sends cost money and reach people: admins only.
 */
const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "a phone number in E.164 form (+15551234567)");

const Message = z.object({
  sid: z.string(),
  status: z.string(),
  to: z.string(),
  from: z.string().nullable(),
  body: z.string().nullable(),
  direction: z.string().optional(),
  num_segments: z.string().nullable().optional(),
  price: z.string().nullable().optional(),
  price_unit: z.string().nullable().optional(),
  date_created: z.string().nullable(),
  date_sent: z.string().nullable().optional(),
  error_code: z.number().nullable().optional(),
});

const accountPath = (sid: string | undefined) => `/2010-04-01/Accounts/${encodeURIComponent(sid ?? "")}`;

export const twilio = defineConnector({
  name: "twilio",
  title: "Twilio",
  requires: ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"],
  optional: ["TWILIO_PHONE_NUMBER", "TWILIO_WHATSAPP_NUMBER"],
  baseUrl: (c) => c.TWILIO_API_URL,
  auth: { kind: "basic", username: "TWILIO_ACCOUNT_SID", password: "TWILIO_AUTH_TOKEN" },
  encoding: "form",
  errorMessage: (b) => (typeof b?.message === "string" ? b.message : undefined),
  probe: "account",
  operations: [
    {
      id: "account",
      method: "get",
      path: "/account",
      summary: "The Twilio account the credentials belong to",
      access: "admin",
      output: z.object({ sid: z.string(), friendly_name: z.string(), status: z.string(), type: z.string() }),
      request: (_, c) => ({ method: "GET", path: `${accountPath(c.TWILIO_ACCOUNT_SID)}.json` }),
      cacheTtl: 60,
    },
    {
      id: "sendSms",
      method: "post",
      path: "/sms",
      summary: "Send an SMS (from TWILIO_PHONE_NUMBER)",
      access: "admin",
      status: 201,
      requires: ["TWILIO_PHONE_NUMBER"],
      body: z.strictObject({ to: E164, message: z.string().min(1).max(1600) }),
      output: Message,
      request: ({ body }, c) => ({
        method: "POST",
        path: `${accountPath(c.TWILIO_ACCOUNT_SID)}/Messages.json`,
        form: { To: body.to, From: c.TWILIO_PHONE_NUMBER ?? "", Body: body.message },
      }),
    },
    {
      id: "sendWhatsapp",
      method: "post",
      path: "/whatsapp",
      summary: "Send a WhatsApp message (from TWILIO_WHATSAPP_NUMBER)",
      access: "admin",
      status: 201,
      requires: ["TWILIO_WHATSAPP_NUMBER"],
      body: z.strictObject({ to: E164, message: z.string().min(1).max(1600) }),
      output: Message,
      request: ({ body }, c) => ({
        method: "POST",
        path: `${accountPath(c.TWILIO_ACCOUNT_SID)}/Messages.json`,
        form: { To: `whatsapp:${body.to}`, From: `whatsapp:${c.TWILIO_WHATSAPP_NUMBER ?? ""}`, Body: body.message },
      }),
    },
    {
      id: "listMessages",
      method: "get",
      path: "/messages",
      summary: "Recent messages, newest first",
      access: "admin",
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), to: E164.optional() }),
      output: z.array(Message),
      request: ({ query }, c) => ({
        method: "GET",
        path: `${accountPath(c.TWILIO_ACCOUNT_SID)}/Messages.json`,
        query: { PageSize: query.limit, To: query.to },
      }),
      map: (b: any) => b?.messages,
    },
    {
      id: "getMessage",
      method: "get",
      path: "/messages/{sid}",
      summary: "One message",
      access: "admin",
      params: z.object({ sid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, "a message SID (SM… or MM…)") }),
      output: Message,
      request: ({ params }, c) => ({
        method: "GET",
        path: `${accountPath(c.TWILIO_ACCOUNT_SID)}/Messages/${params.sid}.json`,
      }),
    },
  ],
});
