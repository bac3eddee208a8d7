/**
 * axe-core (the accessibility engine behind Lighthouse and Deque's tools) on a page or one window,
 * injected through DevTools so the page's CSP does not apply. Serious and critical violations fail
 * the test; moderate and minor ones are not checked here.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Locator, Page } from "playwright-core";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/** Serious or critical violations in `target`, one line each: rule, what it means, where. */
export async function accessibilityProblems(target: Page | Locator): Promise<string[]> {
  const page = "goto" in target ? target : target.page();
  if (!(await page.evaluate("typeof axe === 'object'"))) await page.evaluate(axeSource);
  // Runs in the page: self-contained (no closure over Node variables).
  const check = async (el: unknown) => {
    const w = globalThis as unknown as {
      document: unknown;
      axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Violation[] }> };
    };
    const result = await w.axe.run(el ?? w.document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  };
  const violations = "goto" in target ? await target.evaluate(check, null) : await target.evaluate(check);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .map((n) => JSON.stringify(n.target))
          .slice(0, 5)
          .join(", ")}`,
    );
}
