// Copies Swagger UI from node_modules into public/vendor/ so /api/docs loads nothing from a CDN.
// Run by wrangler's [build] step (dev and deploy); the copy is git-ignored.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const source = dirname(require.resolve("swagger-ui-dist/package.json"));
const target = join(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), "..", "public", "vendor", "swagger-ui");
mkdirSync(target, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) copyFileSync(join(source, file), join(target, file));
