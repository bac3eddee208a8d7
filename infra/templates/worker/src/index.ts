/**
 * __TITLE__: a Worker with the BlackRoad health contract (/health, /api/health/summary,
 * /api/system/version — what `npm run ops -- status|health` calls) and one Durable Object on SQLite.
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";

type Env = {
  STATE: DurableObjectNamespace<__CLASS__>;
  ASSETS: Fetcher;
  ENVIRONMENT?: string;
  ALLOWED_ORIGINS?: string;
  GIT_SHA?: string;
  SECRET_KEY?: string;
};

const SERVICE = "__SERVICE__";

export class __CLASS__ extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("create table if not exists pings (at integer not null)");
  }

  /** A write and a read on the object's own SQLite: what the readiness check exercises. */
  async ping(): Promise<number> {
    this.ctx.storage.sql.exec("insert into pings (at) values (?)", Date.now());
    this.ctx.storage.sql.exec("delete from pings where at < ?", Date.now() - 60_000);
    return this.ctx.storage.sql.exec<{ n: number }>("select count(*) as n from pings").one().n;
  }
}

const app = new Hono<{ Bindings: Env }>();

app.get("/health", (c) =>
  c.json({ status: "healthy", service: SERVICE, environment: c.env.ENVIRONMENT ?? "production" }),
);

app.get("/api/health/summary", async (c) => {
  const started = performance.now();
  let state: { status: "up" | "down"; latency_ms: number; error?: string };
  try {
    await c.env.STATE.getByName("main").ping();
    state = { status: "up", latency_ms: Math.round(performance.now() - started) };
  } catch {
    state = { status: "down", latency_ms: Math.round(performance.now() - started), error: "unreachable" };
  }
  const configured = Boolean(c.env.SECRET_KEY && c.env.SECRET_KEY.length >= 32);
  const healthy = state.status === "up" && configured;
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      status: healthy ? "healthy" : "unhealthy",
      service: SERVICE,
      environment: c.env.ENVIRONMENT ?? "production",
      checks: { state },
      configured,
    },
    healthy ? 200 : 503,
  );
});

app.get("/api/system/version", (c) =>
  c.json({
    version: "0.1.0",
    environment: c.env.ENVIRONMENT ?? "production",
    git_sha: c.env.GIT_SHA ?? null,
    runtime: "cloudflare-workers",
  }),
);

export default app;
