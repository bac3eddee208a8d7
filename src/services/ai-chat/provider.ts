/**
 * A client for an OpenAI-compatible `POST {base}/chat/completions` (OpenAI itself, or any
 * self-hosted server speaking the same protocol). Plain functions over an injected `fetch`.
 *
 * The API key travels only in the Authorization header: it is never part of an error, a log line
 * or anything returned to a caller. Provider error bodies are not passed through either (they can
 * echo parts of the key or the prompt); callers see the kind of failure and the upstream status.
 */
import { z } from "zod";
import type { MessageRole } from "../../lib/constants.ts";

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export type ProviderSettings = {
  apiKey: string;
  baseUrl: string;
  model: string;
  /** Deadline for the response headers, and for each gap between chunks of a stream. */
  timeoutMs: number;
};

export type ChatMessage = { role: MessageRole; content: string };
/** A function call the model asked for (`arguments` is the model's JSON text, not yet validated). */
export type ToolCall = { id: string; name: string; arguments: string };
/** A function offered to the model (`parameters` is a JSON Schema). */
export type ToolSpec = { name: string; description: string; parameters: object };
/** Messages of a tool-using exchange (agents): the model's tool calls and the results sent back. */
export type ProviderMessage =
  | ChatMessage
  | {
      role: "assistant";
      content: string | null;
      tool_calls: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
    }
  | { role: "tool"; tool_call_id: string; content: string };
export type CompletionOptions = { tools?: readonly ToolSpec[] };
export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };
export type Completion = {
  content: string;
  model: string;
  finishReason: string | null;
  usage: Usage | null;
  /** Function calls of the reply (empty unless tools were offered and the model used them). */
  toolCalls: ToolCall[];
};
export type StreamEvent = { type: "delta"; content: string } | { type: "done"; completion: Completion };

export type ProviderErrorKind = "timeout" | "http" | "network" | "malformed";

export class ProviderError extends Error {
  override name = "ProviderError";
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(message);
  }
}

const UsageSchema = z
  .object({
    prompt_tokens: z.number().int().nonnegative().catch(0),
    completion_tokens: z.number().int().nonnegative().catch(0),
    total_tokens: z.number().int().nonnegative().optional(),
  })
  .transform((u) => ({ ...u, total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens }));

const ToolCallSchema = z.object({
  id: z.string(),
  function: z.object({ name: z.string(), arguments: z.string().catch("") }),
});

const ToolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative().catch(0),
  id: z.string().optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

const CompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z.array(ToolCallSchema).nullable().optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: UsageSchema.nullable().optional(),
});

const ChunkSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullable().optional(),
            tool_calls: z.array(ToolCallDeltaSchema).nullable().optional(),
          })
          .optional(),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .optional(),
  usage: UsageSchema.nullable().optional(),
});

/** One non-streamed completion. Throws ProviderError for every failure. */
export async function complete(
  fetchFn: FetchFn,
  settings: ProviderSettings,
  messages: readonly ProviderMessage[],
  options: CompletionOptions = {},
): Promise<Completion> {
  const deadline = new Deadline(settings.timeoutMs);
  try {
    const res = await post(fetchFn, settings, { model: settings.model, messages, ...toolsBody(options) }, deadline);
    return await readCompletion(res, settings.model);
  } catch (err) {
    throw deadline.translate(err);
  } finally {
    deadline.clear();
  }
}

/**
 * Starts a streamed completion. Failures before the first byte (HTTP status, unreachable, headers
 * timeout) reject here, so the caller can still answer with a plain error status; failures after
 * that are thrown by the returned iterator. The iterator ends with exactly one `done` event.
 */
export async function openStream(
  fetchFn: FetchFn,
  settings: ProviderSettings,
  messages: readonly ProviderMessage[],
  options: CompletionOptions = {},
): Promise<AsyncGenerator<StreamEvent>> {
  const deadline = new Deadline(settings.timeoutMs);
  let res: Response;
  try {
    res = await post(
      fetchFn,
      settings,
      {
        model: settings.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
        ...toolsBody(options),
      },
      deadline,
    );
  } catch (err) {
    deadline.clear();
    throw deadline.translate(err);
  }
  return events(res, settings.model, deadline);
}

/** The request fields offering tools (none when no tools are given: the chat's requests are unchanged). */
function toolsBody(options: CompletionOptions) {
  if (!options.tools?.length) return {};
  return {
    tools: options.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.parameters },
    })),
  };
}

async function post(fetchFn: FetchFn, settings: ProviderSettings, body: object, deadline: Deadline): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(`${settings.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${settings.apiKey}`,
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(body),
      signal: deadline.signal,
    });
  } catch (err) {
    if (deadline.expired) throw err; // translated by the caller
    throw new ProviderError("network", "could not reach the provider");
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new ProviderError("http", `provider answered HTTP ${res.status}`, res.status);
  }
  return res;
}

async function readCompletion(res: Response, fallbackModel: string): Promise<Completion> {
  let json: unknown;
  try {
    json = await res.json();
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ProviderError("malformed", "provider reply is not JSON");
  }
  const parsed = CompletionSchema.safeParse(json);
  if (!parsed.success) throw new ProviderError("malformed", "provider reply has no choices");
  const choice = parsed.data.choices[0]!;
  return {
    content: choice.message.content ?? "",
    model: parsed.data.model || fallbackModel,
    finishReason: choice.finish_reason ?? null,
    usage: parsed.data.usage ?? null,
    toolCalls: (choice.message.tool_calls ?? []).map((t) => ({
      id: t.id,
      name: t.function.name,
      arguments: t.function.arguments,
    })),
  };
}

async function* events(res: Response, fallbackModel: string, deadline: Deadline): AsyncGenerator<StreamEvent> {
  try {
    // A compatible server that ignores `stream: true` answers with one JSON completion: accept it.
    if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      const completion = await readCompletion(res, fallbackModel);
      if (completion.content) yield { type: "delta", content: completion.content };
      yield { type: "done", completion };
      return;
    }
    if (!res.body) throw new ProviderError("malformed", "provider stream has no body");

    let content = "";
    let model = fallbackModel;
    let finishReason: string | null = null;
    let usage: Usage | null = null;
    let finished = false;
    // Streamed tool calls arrive in pieces keyed by index: the id and name first, then the arguments.
    const calls: ToolCall[] = [];

    for await (const data of sseData(res.body, deadline)) {
      if (data === "[DONE]") {
        finished = true;
        break;
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw new ProviderError("malformed", "provider stream sent a chunk that is not JSON");
      }
      if (json && typeof json === "object" && "error" in json) {
        throw new ProviderError("http", "provider reported an error mid-stream");
      }
      const chunk = ChunkSchema.safeParse(json);
      if (!chunk.success) throw new ProviderError("malformed", "provider stream sent an unexpected chunk");
      if (chunk.data.model) model = chunk.data.model;
      if (chunk.data.usage) usage = chunk.data.usage;
      const choice = chunk.data.choices?.[0];
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      for (const piece of choice?.delta?.tool_calls ?? []) {
        const call = (calls[piece.index] ??= { id: "", name: "", arguments: "" });
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name += piece.function.name;
        if (piece.function?.arguments) call.arguments += piece.function.arguments;
      }
      const delta = choice?.delta?.content;
      if (delta) {
        content += delta;
        yield { type: "delta", content: delta };
      }
    }
    // Some servers close without `[DONE]`; a stream that ended after a finish_reason is complete.
    if (!finished && finishReason === null)
      throw new ProviderError("malformed", "provider stream ended before the reply was complete");
    const toolCalls = calls.filter((c) => c?.name);
    yield { type: "done", completion: { content, model, finishReason, usage, toolCalls } };
  } catch (err) {
    throw deadline.translate(err);
  } finally {
    deadline.clear();
  }
}

/** The `data` of each server-sent event (multi-line data joined with "\n"); comments and other fields skipped. */
async function* sseData(body: ReadableStream<Uint8Array>, deadline: Deadline): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data: string[] = [];
  try {
    for (;;) {
      deadline.restart(); // the timeout is per gap between chunks, not for the whole reply
      let read: ReadableStreamReadResult<string>;
      try {
        read = await reader.read();
      } catch (err) {
        if (deadline.expired || isAbort(err)) throw err;
        throw new ProviderError("network", "provider stream broke off");
      }
      if (read.done) break;
      buffer += read.value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "") {
          if (data.length) {
            deadline.clear(); // time the consumer spends on an event is not the provider's
            yield data.join("\n");
          }
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
      }
    }
    if (buffer.startsWith("data:")) data.push(buffer.slice(buffer.startsWith("data: ") ? 6 : 5));
    if (data.length) yield data.join("\n");
  } finally {
    // Stops the upstream body too when the consumer leaves early (no-op after the end).
    await reader.cancel().catch(() => {});
  }
}

function isAbort(err: unknown) {
  return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
}

/**
 * An abort signal with a restartable timer. setTimeout (rather than AbortSignal.timeout) so the
 * deadline can be restarted per chunk, and so tests can drive it with fake timers.
 */
class Deadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  expired = false;

  constructor(private readonly ms: number) {
    this.restart();
  }

  get signal() {
    return this.controller.signal;
  }

  restart() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new ProviderError("timeout", `provider did not answer within ${this.ms} ms`));
    }, this.ms);
  }

  clear() {
    clearTimeout(this.timer);
  }

  translate(err: unknown): ProviderError {
    if (this.expired) return new ProviderError("timeout", `provider did not answer within ${this.ms} ms`);
    if (err instanceof ProviderError) return err;
    return new ProviderError("network", "provider request failed");
  }
}
