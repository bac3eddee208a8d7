/**
 * U+0000 in any validated input (body, query, path) is a 422 naming the field, never the 500 that
 * Postgres' "invalid byte sequence" error used to become. Passwords are exempt: they are hashed,
 * never stored as text, and bcrypt keeps the NUL (see test/unit/password.test.ts).
 */
import { describe, expect, it } from "vitest";
import { nulPath } from "../../src/lib/errors.ts";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { createUser } from "../helpers/users.ts";

describe("NUL characters in input", () => {
  it("in a body field: 422 naming the field, nothing stored", async () => {
    const u = await createUser();
    const res = await api("/api/social/posts", { method: "POST", headers: u.headers, json: { content: "a\u0000b" } });
    const problem = await expectProblem(res, 422);
    expect(problem.errors).toEqual([{ path: "content", message: expect.stringMatching(/NUL/) }]);
    const mine = await (await api(`/api/social/users/${u.id}/posts`, { headers: u.headers })).json<unknown[]>();
    expect(mine).toEqual([]);
  });

  it("nested in a list, and in a query string", async () => {
    const u = await createUser();
    const send = await api("/api/email/drafts", {
      method: "POST",
      headers: u.headers,
      json: { to: ["a@example.com", "b@exam\u0000ple.com"] },
    });
    expect((await expectProblem(send, 422)).errors?.[0]?.path).toMatch(/^to/);
    for (const q of ["category=%00", "tag=a%00b"]) {
      expect((await expectProblem(await api(`/api/video?${q}`, { headers: u.headers }), 422)).detail).toMatch(/NUL/);
    }
  });

  it("in login and registration fields: 422, not 500", async () => {
    await expectProblem(
      await api("/api/auth/login", { method: "POST", json: { username: "a\u0000b", password: "whatever-123" } }),
      422,
    );
    const name = unique("nul");
    const reg = await api("/api/auth/register", {
      method: "POST",
      json: {
        username: name,
        email: `${name}@example.com`,
        password: "correct-horse-battery-42",
        full_name: "A\u0000B",
      },
    });
    expect((await expectProblem(reg, 422)).errors?.[0]?.path).toBe("full_name");
  });

  it("a password may still contain NUL (hashed, never stored as text)", async () => {
    const name = unique("nulpw");
    const password = "correct\u0000horse-battery-42";
    const reg = await api("/api/auth/register", {
      method: "POST",
      json: { username: name, email: `${name}@example.com`, password },
    });
    expect(reg.status, await reg.text()).toBe(201);
    const login = await api("/api/auth/login", { method: "POST", json: { username: name, password } });
    expect(login.status).toBe(200);
  });

  it("nulPath finds the first offending string's path and skips password fields", () => {
    expect(nulPath({ a: "ok", b: [{ c: "x\u0000" }] })).toBe("b.0.c");
    expect(nulPath("\u0000")).toBe("body");
    expect(nulPath({ password: "\u0000", new_password: "\u0000", current_password: "\u0000" })).toBeUndefined();
    expect(nulPath({ a: 1, b: null, c: true, d: new Date(0) })).toBeUndefined();
  });
});
