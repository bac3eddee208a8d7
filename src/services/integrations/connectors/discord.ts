import { z } from "zod";
import { defineConnector } from "../types.ts";

/**
 * Discord (https://discord.com/developers/docs/reference): a bot token (`Authorization: Bot …`)
 * and an incoming webhook (DISCORD_WEBHOOK_URL; the URL is the credential). Sends and the
 * server's channels: admins only.
 */
const Snowflake = z.string().regex(/^[1-9][0-9]{15,20}$/, "a Discord id (snowflake)");
const Embed = z.strictObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: z.url().max(2000).optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
});
const Message = z.object({
  id: z.string(),
  channel_id: z.string(),
  content: z.string(),
  timestamp: z.string(),
  author: z.string().nullable(),
});
const messageJson = (m: any) => (m && typeof m === "object" ? { ...m, author: m.author?.username ?? null } : m);

export const discord = defineConnector({
  name: "discord",
  title: "Discord",
  requires: ["DISCORD_BOT_TOKEN"],
  optional: ["DISCORD_WEBHOOK_URL"],
  baseUrl: (c) => c.DISCORD_API_URL,
  auth: { kind: "bearer", token: "DISCORD_BOT_TOKEN", scheme: "Bot" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.message === "string" ? b.message : undefined),
  probe: "me",
  operations: [
    {
      id: "me",
      method: "get",
      path: "/me",
      summary: "The bot's own user (the original's /users/@me, which its /users/{id} route shadowed)",
      access: "admin",
      output: z.object({ id: z.string(), username: z.string(), bot: z.boolean().optional() }),
      request: () => ({ method: "GET", path: "/users/@me" }),
      cacheTtl: 60,
    },
    {
      id: "guilds",
      method: "get",
      path: "/guilds",
      summary: "Servers the bot is in",
      access: "admin",
      output: z.array(z.object({ id: z.string(), name: z.string(), owner: z.boolean().optional() })),
      request: () => ({ method: "GET", path: "/users/@me/guilds" }),
      cacheTtl: 60,
    },
    {
      id: "guildChannels",
      method: "get",
      path: "/guilds/{id}/channels",
      summary: "Channels of a server",
      access: "admin",
      params: z.object({ id: Snowflake }),
      output: z.array(
        z.object({ id: z.string(), name: z.string().nullable(), type: z.number(), position: z.number().optional() }),
      ),
      request: ({ params }) => ({ method: "GET", path: `/guilds/${params.id}/channels` }),
      cacheTtl: 60,
    },
    {
      id: "messages",
      method: "get",
      path: "/channels/{id}/messages",
      summary: "Recent messages of a channel",
      access: "admin",
      params: z.object({ id: Snowflake }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
      output: z.array(Message),
      request: ({ params, query }) => ({ method: "GET", path: `/channels/${params.id}/messages`, query }),
      map: (b: any) => (Array.isArray(b) ? b.map(messageJson) : b),
    },
    {
      id: "sendMessage",
      method: "post",
      path: "/channels/{id}/messages",
      summary: "Post a message to a channel (JSON body; the original took ?content=)",
      access: "admin",
      status: 201,
      params: z.object({ id: Snowflake }),
      body: z.strictObject({ content: z.string().min(1).max(2000), embeds: z.array(Embed).max(10).optional() }),
      output: Message,
      request: ({ params, body }) => ({
        method: "POST",
        path: `/channels/${params.id}/messages`,
        // Never ping @everyone or roles from an API call.
        json: { ...body, allowed_mentions: { parse: [] } },
      }),
      map: messageJson,
    },
    {
      id: "webhook",
      method: "post",
      path: "/webhook",
      summary: "Send a message through the incoming webhook",
      access: "admin",
      status: 201,
      requires: ["DISCORD_WEBHOOK_URL"],
      replaceRequires: true,
      auth: { kind: "secret-url" },
      baseUrl: (c) => c.DISCORD_WEBHOOK_URL,
      body: z.strictObject({
        content: z.string().min(1).max(2000),
        username: z.string().min(1).max(80).optional(),
        avatar_url: z.url().max(2000).optional(),
        embeds: z.array(Embed).max(10).optional(),
      }),
      output: Message,
      request: ({ body }) => ({
        method: "POST",
        path: "",
        query: { wait: true },
        json: { ...body, allowed_mentions: { parse: [] } },
      }),
      map: messageJson,
    },
  ],
});
