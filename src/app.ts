import { secureHeaders } from "hono/secure-headers";
import type { ClientSchemaOf } from "./lib/client-types.ts";
import { createRouter } from "./lib/create-router.ts";
import { onError, onNotFound } from "./lib/errors.ts";
import { createMethodIndex, methodNotAllowed } from "./lib/method-not-allowed.ts";
import { configGuard } from "./middleware/config.ts";
import { errorReporting } from "./middleware/error-reporting.ts";
import { corsFromConfig, limitBody, requireKnownContentType } from "./middleware/http-guards.ts";
import { requestMetrics } from "./middleware/metrics.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestContext } from "./middleware/request-context.ts";
import { services } from "./middleware/services.ts";
import agents from "./routes/agents/agents.index.ts";
import aiChat from "./routes/ai-chat/ai-chat.index.ts";
import auth from "./routes/auth/auth.index.ts";
import blockchain from "./routes/blockchain/blockchain.index.ts";
import browser from "./routes/browser/browser.index.ts";
import capture from "./routes/capture/capture.index.ts";
import cece from "./routes/cece/cece.index.ts";
import cognition from "./routes/cognition/cognition.index.ts";
import compliance from "./routes/compliance/compliance.index.ts";
import creator from "./routes/creator/creator.index.ts";
import dashboard from "./routes/dashboard/dashboard.index.ts";
import devices from "./routes/devices/devices.index.ts";
import { registerDocs } from "./routes/docs/docs.index.ts";
import email from "./routes/email/email.index.ts";
import files from "./routes/files/files.index.ts";
import games from "./routes/games/games.index.ts";
import graphql from "./routes/graphql/graphql.index.ts";
import health from "./routes/health/health.index.ts";
import identity from "./routes/identity/identity.index.ts";
import integrations from "./routes/integrations/integrations.index.ts";
import leitl from "./routes/leitl/leitl.index.ts";
import metricsRoutes from "./routes/metrics/metrics.index.ts";
import miner from "./routes/miner/miner.index.ts";
import mining from "./routes/mining/mining.index.ts";
import notifications from "./routes/notifications/notifications.index.ts";
import observability from "./routes/observability/observability.index.ts";
import prism from "./routes/prism/prism.index.ts";
import search from "./routes/search/search.index.ts";
import social from "./routes/social/social.index.ts";
import system from "./routes/system/system.index.ts";
import vault from "./routes/vault/vault.index.ts";
import video from "./routes/video/video.index.ts";
import vscode from "./routes/vscode/vscode.index.ts";
import webhooks from "./routes/webhooks/webhooks.index.ts";

/**
 * Security headers for what the Worker answers: JSON. Per OWASP's REST Security Cheat Sheet an API
 * needs HSTS, nosniff and no framing; the rest of Hono's defaults only matter to a browser rendering
 * HTML (referrer and cross-origin policies, legacy XSS/download/DNS-prefetch headers), and every
 * header costs every response: nine headers cost a bare Hono app ~30 % of its throughput
 * (`npm run bench`). The one HTML page the Worker serves (/api/docs) adds its own; the pages of
 * Pocket OS are static assets with theirs (public/_headers).
 */
const API_SECURITY_HEADERS = {
  xFrameOptions: "DENY",
  referrerPolicy: false,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginEmbedderPolicy: false,
  originAgentCluster: false,
  xXssProtection: false,
  xDownloadOptions: false,
  xDnsPrefetchControl: false,
  xPermittedCrossDomainPolicies: false,
  removePoweredBy: false, // nothing sets X-Powered-By
} as const;

export function createApp() {
  const app = createRouter();

  app.use(requestContext);
  app.use(secureHeaders(API_SECURITY_HEADERS));
  app.use(configGuard);
  app.use(requestMetrics);
  app.use(errorReporting);
  app.use(corsFromConfig);
  app.use("/api/*", limitBody, requireKnownContentType);
  app.use("/api/*", services); // request-scoped clients; outside /api only /metrics does I/O
  app.use("/metrics", services);
  app.use("/api/*", rateLimit);

  // Route modules, each a router with full paths. Add new resources to this chain: chained (not
  // looped) mounts keep every route's types in AppType, which hc<AppType> clients are checked against.
  const routed = app
    .route("/", health)
    .route("/", metricsRoutes)
    .route("/", system)
    .route("/", auth)
    .route("/", aiChat)
    .route("/", email)
    .route("/", social)
    .route("/", blockchain)
    .route("/", mining)
    .route("/", video)
    .route("/", miner)
    .route("/", dashboard)
    .route("/", prism)
    .route("/", observability)
    .route("/", files)
    .route("/", notifications)
    .route("/", vault)
    .route("/", devices)
    .route("/", capture)
    .route("/", browser)
    .route("/", games)
    .route("/", compliance)
    .route("/", creator)
    .route("/", identity)
    .route("/", search)
    .route("/", vscode)
    .route("/", graphql)
    .route("/", integrations)
    .route("/", webhooks)
    .route("/", agents)
    .route("/", cognition)
    .route("/", cece)
    .route("/", leitl);
  registerDocs(app);

  const allowedMethods = createMethodIndex(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(new URL(c.req.url).pathname);
    return allowed.length ? methodNotAllowed(c, allowed) : onNotFound(c);
  });
  app.onError(onError);
  return routed;
}

/** Every route, typed for `hc<AppType>` clients (tests, examples/). */
export type AppType = ClientSchemaOf<ReturnType<typeof createApp>>;
