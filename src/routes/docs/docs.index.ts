import type { AppOpenAPI } from "../../types.ts";
import { APP_NAME, APP_VERSION } from "../../version.ts";
import { TAGS } from "../route-kit.ts";

const DOCUMENT_CONFIG: Parameters<AppOpenAPI["getOpenAPI31Document"]>[0] = {
  openapi: "3.1.0",
  info: {
    title: APP_NAME,
    version: APP_VERSION,
    description:
      "BlackRoad OS on Cloudflare Workers. Every error is an RFC 9457 problem (`application/problem+json`) with a `request_id`. " +
      "Compatibility promise: docs/api-versioning.md.",
  },
  servers: [{ url: "/" }],
};

/**
 * A nullable reference comes out of the generator as `allOf: [{$ref}, {type: [object, null]}]`, which
 * no null can pass; written as `anyOf: [{$ref}, {type: null}]` it means what the zod schema means.
 */
function fixNullableRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullableRefs);
  if (!node || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  const allOf = o.allOf as Array<Record<string, unknown>> | undefined;
  if (
    Array.isArray(allOf) &&
    allOf.length === 2 &&
    allOf[0]?.$ref &&
    Array.isArray(allOf[1]?.type) &&
    (allOf[1].type as string[]).includes("null")
  ) {
    const { allOf: _, ...rest } = o;
    return { ...(fixNullableRefs(rest) as object), anyOf: [allOf[0], { type: "null" }] };
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fixNullableRefs(v)]));
}

/** The OpenAPI document of the app: what /api/openapi.json serves and scripts/openapi/build.ts writes. */
export function openApiDocument(app: AppOpenAPI) {
  const doc = app.getOpenAPI31Document(DOCUMENT_CONFIG);
  // Tags in the order their operations appear (the modules' mounting order), not the order this
  // isolate happened to load the modules in (src/routes/route-families.ts).
  const used = new Set(
    Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.values(item ?? {}).flatMap((op) => (op as { tags?: string[] }).tags ?? []),
    ),
  );
  doc.tags = [...used].filter((name) => TAGS.has(name)).map((name) => ({ name, description: TAGS.get(name) }));
  return fixNullableRefs(doc) as typeof doc;
}

/**
 * `/api/openapi.json` is generated from the zod schemas of every route; `/api/docs` is Swagger UI,
 * served from our own assets (`/vendor/swagger-ui`, copied from swagger-ui-dist by the build), so the
 * docs work offline and load nothing from a third-party CDN.
 */
export function registerDocs(app: AppOpenAPI) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from POST /api/auth/login",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "oauth2Password", {
    type: "oauth2",
    description: "Swagger's Authorize button: username (or email) and password",
    flows: { password: { tokenUrl: "/api/auth/token", refreshUrl: "/api/auth/token", scopes: {} } },
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "metricsToken", {
    type: "http",
    scheme: "bearer",
    description: "The METRICS_TOKEN secret, for Prometheus scrapers of GET /metrics",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "deviceToken", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description:
      "`Device <token>`: the device token from POST /api/devices (or its rotation), for the device agent's heartbeats",
  });

  let document: ReturnType<typeof openApiDocument> | undefined; // built on first request, once per isolate
  app.get("/api/openapi.json", (c) => c.json((document ??= openApiDocument(app)) as object));

  app.get("/api/docs", (c) => {
    // An HTML page, unlike the rest of the API: the browser-side policies apply here.
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    c.header("Cross-Origin-Resource-Policy", "same-origin");
    return c.html(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${APP_NAME} — API reference</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/js/api-docs.js"></script>
</body>
</html>`);
  });
}
