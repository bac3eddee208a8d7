/**
 * Prints the integrations' authorisation matrix (Markdown) from the connector declarations, so
 * docs/integrations.md cannot drift from the code: `npx node --experimental-transform-types scripts/integrations-matrix.ts`.
 * test/integration/integrations-contract.test.ts checks every row against the running Worker.
 */
import { CONNECTORS } from "../src/services/integrations/registry.ts";

const lines = ["| Service | Operation | Who | Needs | Cached |", "| --- | --- | --- | --- | --- |"];
for (const c of CONNECTORS) {
  for (const op of c.operations) {
    const needs = op.replaceRequires ? (op.requires ?? []) : [...c.requires, ...(op.requires ?? [])];
    const who = op.access === "admin" ? "admin" : "signed-in user (30/min)";
    lines.push(
      `| ${c.title} | \`${op.method.toUpperCase()} /api/${c.name}${op.path}\` — ${op.summary} | ${who} | ${needs.map((v) => `\`${v}\``).join(", ")} | ${op.cacheTtl ? `${op.cacheTtl} s` : "—"} |`,
    );
  }
}
console.log(lines.join("\n"));
