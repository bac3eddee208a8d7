import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchWith } from "../helpers/api.ts";

/** Log levels as the seed sets them: INFO in production (and test), DEBUG in development or with DEBUG=true. */
describe("log levels", () => {
  afterEach(() => vi.restoreAllMocks());

  const debugLines = async (vars: Partial<Record<keyof Env, string>>, requests: number) => {
    const lines: Array<Record<string, unknown>> = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    for (let i = 0; i < requests; i++) expect((await fetchWith(vars, "/health")).status).toBe(200);
    return lines.filter((l) => l.level === "debug");
  };

  it("at INFO, successful requests write no line", async () => {
    expect(await debugLines({ DEBUG: "false" }, 50)).toEqual([]);
  });

  it("with DEBUG=true, a sample of successful requests gets an access line with the request id", async () => {
    const lines = await debugLines({ DEBUG: "true" }, 200);
    // 10 % of 200: the chance of none is 0.9^200 ≈ 7e-10, of more than 60 smaller still.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(60);
    expect(lines[0]).toMatchObject({ level: "debug", msg: "request", method: "GET", path: "/health", status: 200 });
    expect(typeof lines[0]!.request_id).toBe("string");
  });

  it("in development, the level is DEBUG without the flag", async () => {
    expect((await debugLines({ ENVIRONMENT: "development", DEBUG: "false" }, 200)).length).toBeGreaterThan(0);
  });
});
