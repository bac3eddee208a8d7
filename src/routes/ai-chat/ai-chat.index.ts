import type { RouteConfig } from "@hono/zod-openapi";
import { aliasRoute } from "../../lib/route-alias.ts";
import { createRouter } from "../../lib/create-router.ts";
import { invalidateOnWrite } from "../../lib/response-cache.ts";
import * as handlers from "./ai-chat.handlers.ts";
import * as routes from "./ai-chat.routes.ts";

/**
 * `/api/ai_chat` (canonical, in the docs) and the original's `/api/ai-chat`: the alias routes have
 * the same handlers and validation, and are hidden so each operation is documented once.
 */
const alias = <R extends RouteConfig>(route: R): R => aliasRoute(route, routes.AI_CHAT_PREFIX, routes.AI_CHAT_ALIAS_PREFIX);

const router = createRouter();

// Conversation writes change the caller's dashboard overview (its AI chat card).
const invalidateMyChats = invalidateOnWrite((c) => (c.var.auth ? [`ai:${c.var.auth.userId}`] : []));
router.use(`${routes.AI_CHAT_PREFIX}/*`, invalidateMyChats);
router.use(`${routes.AI_CHAT_ALIAS_PREFIX}/*`, invalidateMyChats);

export default router
  .openapi(routes.listConversations, handlers.listConversations)
  .openapi(routes.createConversation, handlers.createConversation)
  .openapi(routes.getConversation, handlers.getConversation)
  .openapi(routes.renameConversation, handlers.renameConversation)
  .openapi(routes.deleteConversation, handlers.deleteConversation)
  .openapi(routes.listMessages, handlers.listMessages)
  .openapi(routes.sendMessage, handlers.sendMessage)
  .openapi(alias(routes.listConversations), handlers.listConversations)
  .openapi(alias(routes.createConversation), handlers.createConversation)
  .openapi(alias(routes.getConversation), handlers.getConversation)
  .openapi(alias(routes.renameConversation), handlers.renameConversation)
  .openapi(alias(routes.deleteConversation), handlers.deleteConversation)
  .openapi(alias(routes.listMessages), handlers.listMessages)
  .openapi(alias(routes.sendMessage), handlers.sendMessage);
