import type { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { MergeSchemaPath } from "hono/types";
import { getPath } from "hono/utils/url";
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
import { registerDocs } from "./routes/docs/docs.index.ts";
import {
  FAMILY_NAMES,
  type FamilyName,
  type FamilyRouter,
  ROUTE_FAMILIES,
  type RouteSet,
  routeSetFor,
} from "./routes/route-families.ts";
import type { AppBindings, AppOpenAPI } from "./types.ts";

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

/**
 * An app over the given route modules, with the middleware every request passes through, 404/405
 * for what none of them answers and the one error handler; with `docs`, also /api/openapi.json and
 * /api/docs (which need every module).
 */
export function createApp(routers: readonly AppOpenAPI[], options: { docs?: boolean } = {}) {
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

  for (const router of routers) app.route("/", router);
  if (options.docs) registerDocs(app);

  const allowedMethods = createMethodIndex(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(new URL(c.req.url).pathname);
    return allowed.length ? methodNotAllowed(c, allowed) : onNotFound(c);
  });
  app.onError(onError);
  return app;
}

const loadRouters = async (names: readonly FamilyName[]) => {
  const routers: AppOpenAPI[] = [];
  // One after another: route modules register their tags and operation ids as they evaluate.
  for (const name of names) routers.push((await ROUTE_FAMILIES[name].load()).default as unknown as AppOpenAPI);
  return routers;
};

/** Every route module and the docs: what /api/openapi.json describes and scripts/openapi/build.ts writes. */
export const createFullApp = async () => createApp(await loadRouters(FAMILY_NAMES), { docs: true });

/**
 * The Worker's app: each request is answered by an app over just the route modules its path needs
 * (route-families.ts), built on the first such request and kept for the isolate's life (one per
 * distinct set of modules, a few dozen at most). Start-up evaluates no route module.
 *
 * Requests never wait on each other's build: workerd cancels a request waiting on a promise that
 * another request's I/O will settle (as "hung"), and loading a module may be I/O (under vitest it
 * is). Concurrent first requests for one set each build it (module loads are shared by the runtime;
 * the routing table is cheap); the first to finish is kept.
 */
export function createLazyApp() {
  const ready = new Map<string, AppOpenAPI>();
  const build = async ({ families, key }: RouteSet) => {
    const built = families === "docs" ? await createFullApp() : createApp(await loadRouters(families));
    if (!ready.has(key)) ready.set(key, built);
    return ready.get(key)!;
  };
  return {
    async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
      // The path as Hono's router reads it (percent-decoded), so both agree on who answers.
      const routeSet = routeSetFor(getPath(request));
      const app = ready.get(routeSet.key) ?? (await build(routeSet));
      return app.fetch(request, env, ctx);
    },
  };
}

// A module whose routes are registered in a loop (integrations) has no typed routes: left out, as an
// empty schema would turn the whole client type into `unknown`.
type SchemaOf<R> =
  R extends Hono<infer _E, infer S, infer _B> ? ([keyof S] extends [never] ? never : MergeSchemaPath<S, "/">) : never;
/** Every route, typed for `hc<AppType>` clients (tests, examples/): the union of the modules' routes. */
export type AppType = ClientSchemaOf<Hono<AppBindings, SchemaOf<FamilyRouter<FamilyName>>, "/">>;
