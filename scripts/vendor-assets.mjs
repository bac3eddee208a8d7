// Copies Swagger UI (for /api/docs) and uPlot (Prism's charts) from node_modules into public/vendor/,
// so no page loads anything from a CDN.
// Run by wrangler's [build] step (dev and deploy); the copy is git-ignored.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const source = dirname(require.resolve("swagger-ui-dist/package.json"));
const target = join(
  import.meta.dirname ?? dirname(new URL(import.meta.url).pathname),
  "..",
  "public",
  "vendor",
  "swagger-ui",
);
mkdirSync(target, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) copyFileSync(join(source, file), join(target, file));

// uPlot: a 50 KB canvas chart library (no dependencies) for the Observability page.
const uplotSource = join(dirname(require.resolve("uplot/package.json")), "dist");
const uplotTarget = join(target, "..", "uplot");
mkdirSync(uplotTarget, { recursive: true });
for (const file of ["uPlot.iife.min.js", "uPlot.min.css"])
  copyFileSync(join(uplotSource, file), join(uplotTarget, file));

// GraphiQL (/api/graphiql, development only unless GRAPHIQL_ENABLED) and the React 18 UMD builds it runs on.
const graphiqlTarget = join(target, "..", "graphiql");
mkdirSync(graphiqlTarget, { recursive: true });
const graphiqlSource = dirname(require.resolve("graphiql/package.json"));
for (const file of ["graphiql.min.js", "graphiql.min.css"])
  copyFileSync(join(graphiqlSource, file), join(graphiqlTarget, file));
copyFileSync(
  join(dirname(require.resolve("react/package.json")), "umd", "react.production.min.js"),
  join(graphiqlTarget, "react.production.min.js"),
);
copyFileSync(
  join(dirname(require.resolve("react-dom/package.json")), "umd", "react-dom.production.min.js"),
  join(graphiqlTarget, "react-dom.production.min.js"),
);
