import type { Context } from "hono";
import { problemBody } from "../../lib/errors.ts";
import { invalidateCache } from "../../lib/response-cache.ts";
import { encodeTimeCursor } from "../../lib/time-cursor.ts";
import { getAuth } from "../../middleware/auth.ts";
import { type ChatDeps, type ReplyEvent, reply, replyStream } from "../../services/ai-chat/chat.ts";
import * as store from "../../services/ai-chat/conversations.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import { eventStreamResponse, wantsEventStream } from "../event-stream.ts";
import { setNextPage } from "../keyset.ts";
import type * as routes from "./ai-chat.routes.ts";
import { conversationJson, messageJson } from "./ai-chat.schemas.ts";

export const listConversations: AppRouteHandler<typeof routes.listConversations> = async (c) => {
  const q = c.req.valid("query");
  const rows = await store.listConversations(c.var.services.db, getAuth(c).userId, q);
  setNextPage(c, rows, q.limit, (r) => encodeTimeCursor({ at: r.cursorAt, id: String(r.id) }));
  return c.json(rows.map(conversationJson), 200);
};

export const createConversation: AppRouteHandler<typeof routes.createConversation> = async (c) => {
  const { title } = c.req.valid("json");
  const row = await store.createConversation(c.var.services.db, getAuth(c).userId, {
    title: title ?? undefined,
    model: c.var.config.OPENAI_MODEL,
  });
  return c.json(conversationJson(row), 201);
};

export const getConversation: AppRouteHandler<typeof routes.getConversation> = async (c) => {
  const found = await store.findConversationWithMessages(c.var.services.db, getAuth(c).userId, c.req.valid("param").id);
  if (!found) throw store.conversationNotFound();
  return c.json({ ...conversationJson(found.conversation), messages: found.messages.map(messageJson) }, 200);
};

export const renameConversation: AppRouteHandler<typeof routes.renameConversation> = async (c) => {
  const row = await store.renameConversation(
    c.var.services.db,
    getAuth(c).userId,
    c.req.valid("param").id,
    c.req.valid("json").title,
  );
  if (!row) throw store.conversationNotFound();
  return c.json(conversationJson(row), 200);
};

export const deleteConversation: AppRouteHandler<typeof routes.deleteConversation> = async (c) => {
  if (!(await store.deleteConversation(c.var.services.db, getAuth(c).userId, c.req.valid("param").id))) {
    throw store.conversationNotFound();
  }
  return c.body(null, 204);
};

export const listMessages: AppRouteHandler<typeof routes.listMessages> = async (c) => {
  const q = c.req.valid("query");
  const rows = await store.listMessages(c.var.services.db, getAuth(c).userId, c.req.valid("param").id, q);
  if (!rows) throw store.conversationNotFound();
  setNextPage(c, rows, q.limit, (m) => String(m.id), "after");
  return c.json(rows.map(messageJson), 200);
};

export const sendMessage: AppRouteHandler<typeof routes.sendMessage> = async (c) => {
  const { userId } = getAuth(c);
  const { id } = c.req.valid("param");
  const { content } = c.req.valid("json");
  const deps: ChatDeps = {
    db: c.var.services.db,
    // Looked up per call (not captured at import) so the global fetch is the one in effect now.
    fetch: (input, init) => fetch(input, init),
    config: c.var.config,
    requestId: c.var.requestId,
  };

  // The route's invalidateOnWrite covers a successful JSON reply. Two writes fall outside it: a
  // failed reply (502/504) that kept the user's message, and a streamed reply, stored after the
  // response has started. Both bump the caller's AI data set themselves.
  const chatChanged = () => invalidateCache(c.var.services.redis, [`ai:${userId}`]);

  if (!wantsEventStream(c.req.header("Accept"))) {
    try {
      return c.json(messageJson(await reply(deps, userId, id, content)), 200);
    } catch (err) {
      await chatChanged();
      throw err;
    }
  }
  let stream;
  try {
    stream = await replyStream(deps, userId, id, content);
  } catch (err) {
    await chatChanged();
    throw err;
  }
  return eventStream(c, stream.events, chatChanged);
};

/** The reply as SSE (delta…, then done or error); the reply is stored even if the client left. */
function eventStream(
  c: Context<AppBindings>,
  events: AsyncIterable<ReplyEvent>,
  stored: () => Promise<void>,
): Response {
  return eventStreamResponse(c, async (send) => {
    for await (const event of events) {
      if (event.type === "delta") await send("delta", { content: event.content });
      else if (event.type === "done") {
        // The reply is stored: invalidate before the client hears `done` and reads its dashboard.
        await stored();
        await send("done", { message: messageJson(event.message), usage: event.usage });
      } else await send("error", problemBody(c, event.error.status, event.error.code, event.error.detail));
    }
  });
}
