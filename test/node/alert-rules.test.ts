/**
 * The alerting rules (infra/alerts.yml) are valid and each fires when it should and only then
 * (infra/alerts.test.yml), checked by Prometheus' own promtool.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const infra = join(import.meta.dirname, "../../infra");

describe("alerting rules", () => {
  it("pass promtool check rules", async () => {
    const { stdout } = await run("promtool", ["check", "rules", join(infra, "alerts.yml")]);
    expect(stdout).toContain("SUCCESS: 7 rules found");
  });

  it("pass their promtool unit tests (each alert firing and not firing)", async () => {
    const { stdout } = await run("promtool", ["test", "rules", join(infra, "alerts.test.yml")]);
    expect(stdout).toContain("SUCCESS");
  });
});
