/**
 * The guard-check breaks (scripts/guard-check/breaks.ts) stay applicable: each one's search text is
 * found exactly once in its file. A reformat or refactor that moves the text would otherwise turn the
 * break into "not applicable" quietly, and the rule it proves would stop being proven.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BREAKS } from "../../scripts/guard-check/breaks.ts";

const root = join(import.meta.dirname, "../..");
const occurrences = (text: string, search: string) => text.split(search).length - 1;

describe("guard-check breaks", () => {
  it("each search text occurs exactly once in its file, and each named test file exists", () => {
    const problems = BREAKS.flatMap((b) => {
      const text = readFileSync(join(root, b.file), "utf8");
      const n = occurrences(text, b.search);
      const missingTests = b.tests.filter((t) => {
        try {
          readFileSync(join(root, t));
          return false;
        } catch {
          return true;
        }
      });
      return [
        ...(n === 1 ? [] : [`${b.name}: search text found ${n} times in ${b.file}`]),
        ...missingTests.map((t) => `${b.name}: no test file ${t}`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it("names are unique", () => {
    const names = BREAKS.map((b) => b.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});
