/**
 * Sending a message: store the user's message, ask the provider with the recent history as
 * context, store the complete reply with its token usage.
 *
 * What is stored when something fails:
 * - provider not configured: nothing (checked after ownership, before any write) → 503;
 * - provider error / unreachable / malformed reply → 502, timeout → 504: the user's message is kept
 *   (it was sent; the client can show it and retry), and no assistant message exists;
 * - a stream that breaks off midway: the partial reply is discarded (never stored), the stream ends
 *   with an `error` event, and the user's message is kept — so a stored assistant message is always
 *   a reply the provider finished;
 * - the client disconnects from a stream: the reply is still read to the end and stored.
 */
import type { AppConfig } from "../../config.ts";
import { type Database, toDatabaseUnavailable } from "../../lib/db.ts";
import { ApiError, notFound } from "../../lib/errors.ts";
import { appendAssistantMessage, appendUserMessage, findConversation, type MessageRow } from "./conversations.ts";
import { complete, type FetchFn, openStream, ProviderError, type ProviderSettings, type Usage } from "./provider.ts";

/** How long the provider may take to start answering (and, streaming, to send each next chunk). */
export const PROVIDER_TIMEOUT_MS = 30_000;

export type ChatDeps = {
  db: Database;
  fetch: FetchFn;
  config: Pick<AppConfig, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_MODEL">;
  requestId: string;
};

export type ReplyEvent =
  | { type: "delta"; content: string }
  | { type: "done"; message: MessageRow; usage: Usage | null }
  | { type: "error"; error: ApiError };

export const notConfigured = () =>
  new ApiError(
    503,
    "ai-not-configured",
    "AI chat is not configured on this server (no OPENAI_API_KEY); nothing was stored. Ask the operator to set it.",
  );

export function providerSettings(config: ChatDeps["config"]): ProviderSettings {
  if (!config.OPENAI_API_KEY) throw notConfigured();
  return {
    apiKey: config.OPENAI_API_KEY,
    baseUrl: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: PROVIDER_TIMEOUT_MS,
  };
}

const conversationNotFound = () => notFound("Conversation not found");

/** Checks everything that can refuse the request, then stores the user's message. */
async function begin(deps: ChatDeps, userId: number, conversationId: number, content: string) {
  // Ownership first: another user's conversation is a 404 whether or not a provider is configured.
  if (!(await findConversation(deps.db, userId, conversationId))) throw conversationNotFound();
  const settings = providerSettings(deps.config);
  const stored = await appendUserMessage(deps.db, userId, conversationId, content);
  if (!stored) throw conversationNotFound();
  return { settings, ...stored };
}

/** A non-streamed reply: the stored assistant message. */
export async function reply(
  deps: ChatDeps,
  userId: number,
  conversationId: number,
  content: string,
): Promise<MessageRow> {
  const { settings, context } = await begin(deps, userId, conversationId, content);
  let completion;
  try {
    completion = await complete(deps.fetch, settings, context);
  } catch (err) {
    throw providerFailure(deps, err);
  }
  const saved = await appendAssistantMessage(deps.db, conversationId, completion);
  if (!saved) throw deletedMeanwhile();
  return saved;
}

/**
 * A streamed reply. Everything that can fail before the provider starts answering throws (so the
 * route still answers with a plain status); after that, failures arrive as one final `error` event.
 */
export async function replyStream(deps: ChatDeps, userId: number, conversationId: number, content: string) {
  const { settings, context, message: userMessage } = await begin(deps, userId, conversationId, content);
  let upstream: Awaited<ReturnType<typeof openStream>>;
  try {
    upstream = await openStream(deps.fetch, settings, context);
  } catch (err) {
    throw providerFailure(deps, err);
  }

  async function* events(): AsyncGenerator<ReplyEvent> {
    try {
      let completion;
      for await (const event of upstream) {
        if (event.type === "delta") yield event;
        else completion = event.completion;
      }
      const saved = completion && (await appendAssistantMessage(deps.db, conversationId, completion));
      if (!saved) {
        yield { type: "error", error: deletedMeanwhile() };
        return;
      }
      yield { type: "done", message: saved, usage: completion?.usage ?? null };
    } catch (err) {
      yield {
        type: "error",
        error: err instanceof ProviderError ? providerFailure(deps, err) : internalFailure(deps, err),
      };
    }
  }

  return { userMessage, events: events() };
}

const deletedMeanwhile = () =>
  notFound("The conversation was deleted while the reply was being generated; the reply was discarded");

const KEPT = "your message was kept, but no reply was stored";

/** Provider failures → 502/504 problems. Logged with the kind and upstream status only. */
function providerFailure(deps: ChatDeps, err: unknown): ApiError {
  const e = err instanceof ProviderError ? err : new ProviderError("network", "provider request failed");
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: "ai provider failure",
      request_id: deps.requestId,
      kind: e.kind,
      upstream_status: e.upstreamStatus,
      reason: e.message,
    }),
  );
  switch (e.kind) {
    case "timeout":
      return new ApiError(
        504,
        "ai-provider-timeout",
        `The AI provider did not answer within ${PROVIDER_TIMEOUT_MS / 1000} seconds; ${KEPT}`,
      );
    case "http":
      return new ApiError(
        502,
        "ai-provider-error",
        e.upstreamStatus === 401 || e.upstreamStatus === 403
          ? `The AI provider rejected this server's credentials (HTTP ${e.upstreamStatus}); ${KEPT}`
          : `The AI provider answered with an error${e.upstreamStatus ? ` (HTTP ${e.upstreamStatus})` : ""}; ${KEPT}`,
      );
    case "network":
      return new ApiError(502, "ai-provider-unreachable", `The AI provider could not be reached; ${KEPT}`);
    case "malformed":
      return new ApiError(502, "ai-provider-error", `The AI provider sent a reply this server could not read; ${KEPT}`);
  }
}

/** A failure of our own mid-stream (storing the reply): logged, reported without internals. */
function internalFailure(deps: ChatDeps, err: unknown): ApiError {
  const unavailable = toDatabaseUnavailable(err);
  console.error(
    JSON.stringify({
      level: "error",
      msg: "ai chat stream failed",
      request_id: deps.requestId,
      error: err instanceof Error ? err.name : "unknown",
      message: err instanceof Error ? err.message.replace(/\w+:\/\/\S+/g, "<url>").slice(0, 200) : undefined,
    }),
  );
  return unavailable
    ? new ApiError(503, "database-unavailable", "The reply could not be stored because the database is unavailable")
    : new ApiError(500, "internal-error", "The reply could not be stored. Quote the request id when reporting it.");
}
