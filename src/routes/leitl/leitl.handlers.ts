import { type Json, LEITL_SESSION_TTL_MS, leitlStub } from "../../durable-objects/leitl.contract.ts";
import { ApiError, conflict, notFound } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import type { AppRouteHandler } from "../../types.ts";
import type { Ctx } from "../request-kit.ts";
import type * as routes from "./leitl.routes.ts";

/** The caller's own workspace: named after their id, never after anything in the request. */
const workspace = (c: Ctx) => leitlStub(c.env.LEITL, getAuth(c).userId);
const sessionNotFound = () => notFound("Session not found (it ended or expired)");

export const register: AppRouteHandler<typeof routes.register> = async (c) => {
  const { agent, meta } = c.req.valid("json");
  const session = await workspace(c).register(agent, meta);
  if (session === "full") throw conflict("This workspace has 50 live sessions; end one first", "too-many-sessions");
  return c.json(session, 201);
};

export const active: AppRouteHandler<typeof routes.active> = async (c) =>
  c.json({ sessions: await workspace(c).presence() }, 200);

export const heartbeat: AppRouteHandler<typeof routes.heartbeat> = async (c) => {
  const session = await workspace(c).heartbeat(c.req.valid("param").id);
  if (!session) throw sessionNotFound();
  return c.json(session, 200);
};

export const end: AppRouteHandler<typeof routes.end> = async (c) => {
  if (!(await workspace(c).end(c.req.valid("param").id))) throw sessionNotFound();
  return c.body(null, 204);
};

export const broadcast: AppRouteHandler<typeof routes.broadcast> = async (c) => {
  const { session_id, data } = c.req.valid("json");
  const message = await workspace(c).broadcast(session_id ?? null, data as Json);
  if (!message) throw sessionNotFound();
  return c.json(message, 200);
};

export const recent: AppRouteHandler<typeof routes.recent> = async (c) =>
  c.json({ messages: await workspace(c).recent(c.req.valid("query").limit) }, 200);

export const activity: AppRouteHandler<typeof routes.activity> = async (c) =>
  c.json({ events: await workspace(c).activity(c.req.valid("query").limit) }, 200);

export const getContext: AppRouteHandler<typeof routes.getContext> = async (c) =>
  c.json(await workspace(c).context(), 200);

export const putContext: AppRouteHandler<typeof routes.putContext> = async (c) => {
  const { version, document } = c.req.valid("json");
  const r = await workspace(c).putContext(version, document as Record<string, Json>);
  if (!r.ok) {
    throw conflict(
      `The context is at version ${r.current.version}, not ${version}: read it, merge, and write again based on ${r.current.version}`,
      "stale-context",
    );
  }
  return c.json(r.context, 200);
};

export const socket: AppRouteHandler<typeof routes.socket> = async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade-required", "Connect with a WebSocket (Upgrade: websocket)", {
      headers: { Upgrade: "websocket" },
    });
  }
  const url = new URL("https://leitl.internal/ws");
  url.searchParams.set("session", c.req.valid("query").session);
  const res = await workspace(c).fetch(new Request(url, { headers: { Upgrade: "websocket" } }));
  if (res.status === 404) throw sessionNotFound();
  if (res.status !== 101 || !res.webSocket)
    throw new ApiError(503, "leitl-unavailable", "The bus could not open the socket");
  // A fresh Response: the Durable Object's headers are immutable and the middleware adds its own.
  return new Response(null, { status: 101, webSocket: res.webSocket }) as never;
};

export const health: AppRouteHandler<typeof routes.health> = async (c) =>
  c.json(
    {
      status: "healthy" as const,
      service: "leitl" as const,
      session_ttl_seconds: LEITL_SESSION_TTL_MS / 1000,
      timestamp: new Date().toISOString(),
    },
    200,
  );
