import { createRouter } from "../../lib/create-router.ts";
import { invalidateOnWrite } from "../../lib/response-cache.ts";
import * as handlers from "./ai-chat.handlers.ts";
import * as routes from "./ai-chat.routes.ts";

// The original's spelling of the prefix answers too, deprecated and undocumented (lib/route-alias.ts).
const router = createRouter({ alias: { canonical: routes.AI_CHAT_PREFIX, alias: routes.AI_CHAT_ALIAS_PREFIX } });

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
  .openapi(routes.sendMessage, handlers.sendMessage);
