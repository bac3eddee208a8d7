import { secureHeaders } from "hono/secure-headers";
import { createRouter } from "./lib/create-router.ts";
import { onError, onNotFound } from "./lib/errors.ts";
import { createMethodIndex, methodNotAllowed } from "./lib/method-not-allowed.ts";
import { configGuard } from "./middleware/config.ts";
import { corsFromConfig, limitBody, requireKnownContentType } from "./middleware/http-guards.ts";
import { requestContext } from "./middleware/request-context.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { services } from "./middleware/services.ts";
import aiChat from "./routes/ai-chat/ai-chat.index.ts";
import auth from "./routes/auth/auth.index.ts";
import blockchain from "./routes/blockchain/blockchain.index.ts";
import dashboard from "./routes/dashboard/dashboard.index.ts";
import email from "./routes/email/email.index.ts";
import { registerDocs } from "./routes/docs/docs.index.ts";
import health from "./routes/health/health.index.ts";
import miner from "./routes/miner/miner.index.ts";
import prism from "./routes/prism/prism.index.ts";
import social from "./routes/social/social.index.ts";
import system from "./routes/system/system.index.ts";
import video from "./routes/video/video.index.ts";

/**
 * Security headers for what the Worker answers: JSON (and the Swagger UI page). The pages of Pocket
 * OS are static assets with their own headers (public/_headers). Per OWASP's REST Security Cheat
 * Sheet, an API needs HSTS, nosniff and no framing; the headers that only matter to legacy browsers
 * rendering HTML (X-XSS-Protection, X-Download-Options, X-DNS-Prefetch-Control,
 * X-Permitted-Cross-Domain-Policies, Origin-Agent-Cluster) are left out: each header costs every
 * response, and on this API they protect nothing.
 */
const API_SECURITY_HEADERS = {
  crossOriginResourcePolicy: "same-site",
  crossOriginOpenerPolicy: "same-origin",
  xFrameOptions: "DENY",
  xXssProtection: false,
  xDownloadOptions: false,
  xDnsPrefetchControl: false,
  xPermittedCrossDomainPolicies: false,
  originAgentCluster: false,
} as const;

/** Route modules, each a router with full paths. Add new resources here. */
const routers = [health, system, auth, aiChat, email, social, blockchain, video, miner, dashboard, prism];

export function createApp() {
  const app = createRouter();

  app.use(requestContext);
  app.use(secureHeaders(API_SECURITY_HEADERS));
  app.use(configGuard);
  app.use(corsFromConfig);
  app.use("/api/*", limitBody, requireKnownContentType);
  app.use("/api/*", services); // request-scoped clients; nothing outside /api does I/O
  app.use("/api/*", rateLimit);

  for (const router of routers) app.route("/", router);
  registerDocs(app);

  const allowedMethods = createMethodIndex(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(new URL(c.req.url).pathname);
    return allowed.length ? methodNotAllowed(c, allowed) : onNotFound(c);
  });
  app.onError(onError);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
