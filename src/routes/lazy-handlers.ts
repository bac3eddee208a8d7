/**
 * Handlers whose module is loaded on the first request that needs it, not when the Worker starts.
 * Module evaluation is paid by every new isolate before its first request (docs/performance.md,
 * "Start-up"); a route family with heavy dependencies used by few requests (GraphQL: `graphql`,
 * Pothos, DataLoader) should not be part of it. The route definitions (OpenAPI, validation) stay
 * eager, so the document, the validation and the limits are the same as for any other route.
 *
 *   const handler = lazyHandlers(() => import("./graphql.handlers.ts"));
 *   router.openapi(routes.execute, handler("execute"));
 *
 * esbuild (wrangler's bundler) keeps a dynamically imported module in the same bundle but wraps it
 * in an initialiser that runs on the first `import()`; that only holds while nothing else imports
 * the module (or its heavy dependencies) statically.
 */
export function lazyHandlers<M>(load: () => Promise<M>): <K extends keyof M>(name: K) => M[K] {
  let loaded: Promise<M> | undefined;
  const module = () =>
    (loaded ??= load().catch((err: unknown) => {
      loaded = undefined; // a failed load (never expected) is retried by the next request
      throw err;
    }));
  return (name) =>
    (async (...args: unknown[]) => ((await module())[name] as (...a: unknown[]) => unknown)(...args)) as never;
}
