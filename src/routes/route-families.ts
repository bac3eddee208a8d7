import type { AppOpenAPI } from "../types.ts";

/**
 * Every route module, the paths it answers and how to load it. The Worker loads a module on the
 * first request for one of its paths, not when the isolate starts: module evaluation (building
 * hundreds of zod schemas and routes) is paid before an isolate's first request, and the bench's
 * start-up row measures it (docs/performance.md, "Start-up"). src/app.ts builds one app per set of
 * modules a path needs; `test/unit/route-families.test.ts` checks that every route of every module
 * is covered by that module's paths here, so a route added without a path here fails the tests.
 *
 * A path is exact (`/api/search`) or a prefix ending in `/*` (`/api/social/*`: everything under
 * `/api/social/`, not `/api/social` itself). Modules are mounted, and documented, in this order.
 * Only these dynamic `import()`s may reach a route module: a static import from anywhere else would
 * put it back into the start-up (bundlers evaluate statically imported modules eagerly).
 */
export const ROUTE_FAMILIES = {
  health: { paths: ["/health", "/api/health/summary"], load: () => import("./health/health.index.ts") },
  metrics: { paths: ["/metrics"], load: () => import("./metrics/metrics.index.ts") },
  system: {
    paths: ["/version", "/api", "/api/system/*"],
    load: () => import("./system/system.index.ts"),
  },
  auth: { paths: ["/api/auth/*"], load: () => import("./auth/auth.index.ts") },
  aiChat: { paths: ["/api/ai_chat/*", "/api/ai-chat/*"], load: () => import("./ai-chat/ai-chat.index.ts") },
  email: { paths: ["/api/email/*"], load: () => import("./email/email.index.ts") },
  social: { paths: ["/api/social/*"], load: () => import("./social/social.index.ts") },
  blockchain: { paths: ["/api/blockchain/*"], load: () => import("./blockchain/blockchain.index.ts") },
  mining: { paths: ["/api/blockchain/mining/*"], load: () => import("./mining/mining.index.ts") },
  video: {
    paths: ["/api/video", "/api/video/*", "/api/videos", "/api/videos/*"],
    load: () => import("./video/video.index.ts"),
  },
  miner: { paths: ["/api/miner/*"], load: () => import("./miner/miner.index.ts") },
  dashboard: { paths: ["/api/dashboard/*"], load: () => import("./dashboard/dashboard.index.ts") },
  prism: { paths: ["/api/prism/*", "/prism/*"], load: () => import("./prism/prism.index.ts") },
  observability: { paths: ["/api/prism/observability"], load: () => import("./observability/observability.index.ts") },
  files: { paths: ["/api/files", "/api/files/*"], load: () => import("./files/files.index.ts") },
  notifications: {
    paths: ["/api/notifications", "/api/notifications/*"],
    load: () => import("./notifications/notifications.index.ts"),
  },
  vault: { paths: ["/api/vault/*"], load: () => import("./vault/vault.index.ts") },
  devices: { paths: ["/api/devices", "/api/devices/*"], load: () => import("./devices/devices.index.ts") },
  capture: { paths: ["/api/capture/*"], load: () => import("./capture/capture.index.ts") },
  browser: { paths: ["/api/browser/*"], load: () => import("./browser/browser.index.ts") },
  games: { paths: ["/api/games/*"], load: () => import("./games/games.index.ts") },
  compliance: { paths: ["/api/compliance/*"], load: () => import("./compliance/compliance.index.ts") },
  creator: { paths: ["/api/creator/*"], load: () => import("./creator/creator.index.ts") },
  identity: { paths: ["/api/identity/*"], load: () => import("./identity/identity.index.ts") },
  search: { paths: ["/api/search"], load: () => import("./search/search.index.ts") },
  vscode: { paths: ["/api/vscode/*"], load: () => import("./vscode/vscode.index.ts") },
  graphql: {
    paths: ["/api/graphql", "/api/graphql/*", "/api/graphiql"],
    load: () => import("./graphql/graphql.index.ts"),
  },
  integrations: {
    // One prefix per connector (services/integrations/registry.ts; the test fails on one missing here).
    paths: [
      "/api/health/*",
      ...["railway", "vercel", "stripe", "twilio", "slack", "discord", "sentry", "github", "huggingface"].map(
        (connector) => `/api/${connector}/*`,
      ),
      "/api/digitalocean/*",
      "/api/cloudflare/*",
    ],
    load: () => import("./integrations/integrations.index.ts"),
  },
  webhooks: { paths: ["/api/webhooks/*"], load: () => import("./webhooks/webhooks.index.ts") },
  agents: {
    paths: ["/api/agents", "/api/agents/*", "/api/agent-runs", "/api/agent-runs/*"],
    load: () => import("./agents/agents.index.ts"),
  },
  cognition: { paths: ["/api/cognition/*"], load: () => import("./cognition/cognition.index.ts") },
  cece: { paths: ["/api/cece/*"], load: () => import("./cece/cece.index.ts") },
  leitl: { paths: ["/api/leitl/*"], load: () => import("./leitl/leitl.index.ts") },
} as const satisfies Record<string, { paths: readonly string[]; load: () => Promise<{ default: AppOpenAPI }> }>;

export type FamilyName = keyof typeof ROUTE_FAMILIES;
/** The router a module exports, typed as it is written (for AppType). */
export type FamilyRouter<N extends FamilyName> = Awaited<ReturnType<(typeof ROUTE_FAMILIES)[N]["load"]>>["default"];

/** The generated document and its viewer need every module (and the docs routes, src/app.ts). */
const DOCS_PATHS: readonly string[] = ["/api/openapi.json", "/api/docs"];

export const FAMILY_NAMES = Object.keys(ROUTE_FAMILIES) as FamilyName[];
const exact = new Map<string, FamilyName[]>();
const prefixes: Array<{ prefix: string; name: FamilyName }> = [];
for (const name of FAMILY_NAMES) {
  for (const path of ROUTE_FAMILIES[name].paths) {
    if (path.endsWith("/*")) prefixes.push({ prefix: path.slice(0, -1), name });
    else exact.set(path, [...(exact.get(path) ?? []), name]);
  }
}

/** The modules that may answer `path` (one trailing slash already removed), computed from the table. */
function resolve(p: string): readonly FamilyName[] | "docs" {
  if (DOCS_PATHS.includes(p)) return "docs";
  const found = new Set(exact.get(p));
  for (const { prefix, name } of prefixes) if (p.startsWith(prefix) && p.length > prefix.length) found.add(name);
  return found.size ? FAMILY_NAMES.filter((n) => found.has(n)) : [];
}

/** Every whole-segment prefix of every entry: `/api`, `/api/blockchain`, `/api/blockchain/mining`, … */
const ENTRY_PREFIXES = new Set<string>();
for (const entry of [...DOCS_PATHS, ...FAMILY_NAMES.flatMap((name) => ROUTE_FAMILIES[name].paths)]) {
  const path = entry.endsWith("/*") ? entry.slice(0, -2) : entry;
  for (let end = path.indexOf("/", 1); end !== -1; end = path.indexOf("/", end + 1))
    ENTRY_PREFIXES.add(path.slice(0, end));
  ENTRY_PREFIXES.add(path);
}

/**
 * The path's class under the table: paths with one key have one answer. The path is read segment by
 * segment while its prefix is a prefix of some entry; at the first segment that is not (the id in
 * `/api/files/123`, or `/nope`), no exact entry can equal the path and no prefix entry can reach past
 * that point, so all that still matters is whether anything follows the last slash read: the key is
 * the path up to it plus `*` if something does (`/api/files/*`). Finitely many keys (a few per entry
 * prefix), whatever the paths; `test/unit/route-families.test.ts` checks each key's answer.
 */
export function routeKeyOf(p: string): string {
  let slash = 0;
  for (;;) {
    const next = p.indexOf("/", slash + 1);
    if (!ENTRY_PREFIXES.has(next === -1 ? p : p.slice(0, next))) {
      return slash + 1 >= p.length ? p : `${p.slice(0, slash + 1)}*`;
    }
    if (next === -1) return p;
    slash = next;
  }
}

export type RouteSet = { readonly families: readonly FamilyName[] | "docs"; readonly key: string };
/** A bound that the finitely many keys stay far under; kept anyway so no input can grow the map. */
export const ROUTE_SET_CACHE_LIMIT = 1024;
const routeSets = new Map<string, RouteSet>();
/** For tests: how many path classes are cached. */
export const routeSetCacheSize = () => routeSets.size;

/**
 * The modules that may answer `path`, in mounting order (empty: nothing does; the app still answers,
 * 404 or 405, through the same middleware), or "docs" for the docs, with `key` naming that set (one
 * app per key, src/app.ts). The routers are not strict about a trailing slash, so neither is this.
 * Once per path class (routeKeyOf) per isolate; after that a few prefix lookups and one map lookup.
 */
export function routeSetFor(path: string): RouteSet {
  const p = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const classKey = routeKeyOf(p);
  const cached = routeSets.get(classKey);
  if (cached) return cached;
  const families = resolve(p);
  const set: RouteSet = {
    families: families === "docs" ? families : Object.freeze(families),
    key: families === "docs" ? "docs" : families.join(","),
  };
  if (routeSets.size >= ROUTE_SET_CACHE_LIMIT) routeSets.delete(routeSets.keys().next().value as string);
  routeSets.set(classKey, set);
  return set;
}

/** The modules that may answer `path` (routeSetFor without the key). */
export const familiesFor = (path: string) => routeSetFor(path).families;

/** The same answer computed from the table every time, for tests to compare the cache against. */
export const uncachedFamiliesFor = (path: string) =>
  resolve(path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);
