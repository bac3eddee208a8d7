import { z } from "zod";
import { defineConnector, type UpstreamVerdict } from "../types.ts";

/**
 * Slack Web API (https://api.slack.com/web) with SLACK_BOT_TOKEN, and an incoming webhook
 * (SLACK_WEBHOOK_URL; the URL is the credential). Sending and reading the workspace: admins only.
 *
 * The Web API answers HTTP 200 with `{ok: false, error}` for most failures: inspect() maps its
 * error codes onto the statuses the executor maps for every service.
 */
const CREDENTIAL_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "not_allowed_token_type",
]);
const MISSING = new Set(["channel_not_found", "user_not_found", "thread_not_found", "message_not_found"]);

function inspect(body: any): UpstreamVerdict | undefined {
  if (!body || typeof body !== "object" || body.ok !== false) return undefined;
  const error = typeof body.error === "string" ? body.error : "unknown_error";
  if (CREDENTIAL_ERRORS.has(error)) return { status: 401, message: error };
  if (MISSING.has(error)) return { status: 404, message: error };
  if (error === "ratelimited") return { status: 429, message: error };
  if (error === "internal_error" || error === "fatal_error" || error === "service_unavailable")
    return { status: 502, message: error };
  return { status: 422, message: error };
}

const Channel = z.string().regex(/^[A-Za-z0-9_#-]{1,80}$/, "a channel id (C…) or name");

export const slack = defineConnector({
  name: "slack",
  title: "Slack",
  requires: ["SLACK_BOT_TOKEN"],
  optional: ["SLACK_WEBHOOK_URL"],
  baseUrl: (c) => c.SLACK_API_URL,
  auth: { kind: "bearer", token: "SLACK_BOT_TOKEN" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.error === "string" ? b.error : undefined),
  inspect,
  probe: "authTest",
  operations: [
    {
      id: "authTest",
      method: "get",
      path: "/auth",
      summary: "Who the bot token is (workspace and bot user)",
      access: "admin",
      output: z.object({
        team: z.string(),
        team_id: z.string(),
        user: z.string(),
        user_id: z.string(),
        url: z.string().optional(),
      }),
      request: () => ({ method: "POST", path: "/auth.test" }),
      cacheTtl: 60,
    },
    {
      id: "postMessage",
      method: "post",
      path: "/messages",
      summary: "Post a message to a channel (optionally in a thread)",
      access: "admin",
      status: 201,
      body: z.strictObject({
        channel: Channel,
        text: z.string().min(1).max(4000),
        thread_ts: z
          .string()
          .regex(/^\d{1,12}\.\d{1,8}$/)
          .optional(),
      }),
      output: z.object({ channel: z.string(), ts: z.string() }),
      request: ({ body }) => ({ method: "POST", path: "/chat.postMessage", json: body }),
    },
    {
      id: "webhook",
      method: "post",
      path: "/webhook",
      summary: "Send a message through the incoming webhook",
      access: "admin",
      status: 201,
      requires: ["SLACK_WEBHOOK_URL"],
      replaceRequires: true,
      auth: { kind: "secret-url" },
      baseUrl: (c) => c.SLACK_WEBHOOK_URL,
      body: z.strictObject({
        text: z.string().min(1).max(4000),
        username: z.string().min(1).max(80).default("BlackRoad OS"),
        icon_emoji: z
          .string()
          .regex(/^:[a-z0-9_+-]{1,50}:$/)
          .default(":robot_face:"),
      }),
      output: z.object({ sent: z.literal(true) }),
      request: ({ body }) => ({ method: "POST", path: "", json: body }),
      map: () => ({ sent: true }),
    },
    {
      id: "channels",
      method: "get",
      path: "/channels",
      summary: "Public channels of the workspace",
      access: "admin",
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(100),
        cursor: z.string().max(500).optional(),
      }),
      output: z.object({
        channels: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            is_private: z.boolean().optional(),
            is_archived: z.boolean().optional(),
            num_members: z.number().optional(),
          }),
        ),
        next_cursor: z.string().nullable(),
      }),
      request: ({ query }) => ({
        method: "GET",
        path: "/conversations.list",
        query: { ...query, exclude_archived: true },
      }),
      map: (b: any) => ({ channels: b?.channels, next_cursor: b?.response_metadata?.next_cursor || null }),
      cacheTtl: 60,
    },
    {
      id: "user",
      method: "get",
      path: "/users/{id}",
      summary: "One member of the workspace",
      access: "admin",
      params: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, "a Slack user id (U…)") }),
      output: z.object({
        id: z.string(),
        name: z.string(),
        real_name: z.string().nullable(),
        is_bot: z.boolean(),
        tz: z.string().nullable(),
      }),
      request: ({ params }) => ({ method: "GET", path: "/users.info", query: { user: params.id } }),
      map: (b: any) => ({ ...b?.user, real_name: b?.user?.real_name ?? null, tz: b?.user?.tz ?? null }),
      cacheTtl: 60,
    },
  ],
});
