import { DrizzleQueryError } from "drizzle-orm";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loggableError, onError } from "../../src/lib/errors.ts";

const SECRET = "$2b$12$wlCnkeeTvio7LX7lRE1gTeAt39eSIdNCDsKomGy43UWM5j47Xp6u2";

function failingApp(err: Error) {
  const app = new Hono();
  app.get("/", () => {
    throw err;
  });
  app.onError(onError);
  return app;
}

afterEach(() => vi.restoreAllMocks());

describe("error logs never carry query parameters", () => {
  it("drops drizzle's bound values from message and stack, keeps the SQL and the driver's cause", () => {
    const err = new DrizzleQueryError(
      'update "users" set "hashed_password" = $1 where "id" = $2',
      [SECRET, 7],
      new Error("boom"),
    );
    const logged = JSON.stringify(loggableError(err));
    expect(logged).not.toContain(SECRET);
    expect(logged).toContain('update \\"users\\" set');
    expect(logged).toContain("2 parameters not logged");
    expect(logged).toContain("Error: boom");
  });

  it.each([
    ["an unexpected failure (500)", new Error("boom"), 500],
    ["an unreachable database (503)", Object.assign(new Error("connection refused"), { code: "08006" }), 503],
  ])("onError logs %s without them", async (_name, cause, status) => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    const res = await failingApp(new DrizzleQueryError("select 1 where x = $1", [SECRET], cause)).request("/");
    expect(res.status).toBe(status);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(SECRET);
    expect(await res.text()).not.toContain(SECRET);
  });
});
