import bcrypt from "bcryptjs";
import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, users } from "../../src/db/schema/index.ts";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { claimsOf, eventually, fetchWith, login, me, PASSWORD, register, testDb } from "../helpers/auth.ts";

const postLogin = (json: unknown, headers: Record<string, string> = {}) =>
  api("/api/auth/login", { method: "POST", json, headers });
const form = (fields: Record<string, string>) =>
  api("/api/auth/login", {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });

/** What a client can observe of a failed login, minus the per-request id. */
async function observable(res: Response) {
  const text = await res.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  delete body.request_id;
  const headers = [...res.headers.entries()]
    .filter(([name]) => !["x-request-id", "server-timing", "date"].includes(name))
    .sort(([a], [b]) => a.localeCompare(b));
  return { status: res.status, body, headers, length: text.length - String(JSON.parse(text).request_id).length };
}

describe("POST /api/auth/login", () => {
  it("logs in with a username (any case) or an email, JSON or form-encoded", async () => {
    const { username, email } = await register();
    for (const res of [
      await postLogin({ username, password: PASSWORD }),
      await postLogin({ username: username.toUpperCase(), password: PASSWORD }),
      await postLogin({ email, password: PASSWORD }),
      await postLogin({ username: email, password: PASSWORD }),
      await form({ grant_type: "password", username, password: PASSWORD, scope: "", client_id: "swagger" }),
      await form({ username: email, password: PASSWORD }),
    ]) {
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      const pair = JSON.parse(text);
      expect(Object.keys(pair).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"]);
      expect(pair).toMatchObject({ token_type: "bearer", expires_in: 1800 });
    }
  });

  it("gives every login its own session id and token ids (no fixation)", async () => {
    const { username, user } = await register();
    const a = await login(username);
    const b = await login(username);
    const [ca, cb] = [claimsOf(a.access_token), claimsOf(b.access_token)];
    expect(ca.sub).toBe(String(user.id));
    expect(ca.sid).not.toBe(cb.sid);
    expect(ca.jti).not.toBe(cb.jti);
    expect(claimsOf(a.refresh_token).sid).toBe(ca.sid);
    expect(String(claimsOf(a.refresh_token).jti)).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
  });

  it("answers unknown user, wrong password and malformed credentials identically", async () => {
    const { username } = await register();
    const cases = {
      wrongPassword: await postLogin({ username, password: "not-the-password-1" }),
      unknownUser: await postLogin({ username: unique("ghost"), password: "not-the-password-1" }),
      unknownEmail: await postLogin({ email: `${unique("ghost")}@example.com`, password: "not-the-password-1" }),
      emptyUsername: await postLogin({ username: "", password: "not-the-password-1" }),
      emptyPassword: await postLogin({ username, password: "" }),
      hugeUsername: await postLogin({ username: "x".repeat(900), password: "not-the-password-1" }),
      tooLongPassword: await postLogin({ username, password: "y".repeat(200) }),
      formWrong: await form({ username, password: "not-the-password-1" }),
    };
    const seen = Object.fromEntries(
      await Promise.all(Object.entries(cases).map(async ([k, res]) => [k, await observable(res)] as const)),
    );
    const reference = seen.wrongPassword!;
    expect(reference.status).toBe(401);
    expect(reference.body.detail).toBe("Incorrect username or password");
    expect(reference.headers.map(([n]) => n)).toContain("www-authenticate");
    for (const [name, value] of Object.entries(seen)) expect(value, name).toEqual(reference);
  });

  it("never accepts the 72-byte prefix plus extra bytes (bcrypt truncation)", async () => {
    const password = `Zq8#mw3!${"a".repeat(64)}`;
    const { username } = await register({ password });
    await login(username, password);
    await expectProblem(await postLogin({ username, password: `${password}X` }), 401);
  });

  it("treats NFC and NFD spellings of a password as the same", async () => {
    const { username } = await register({ password: "caf\u00e9-terrace-9" });
    await login(username, "cafe\u0301-terrace-9");
  });

  it("tells a disabled account 403 only after a correct password", async () => {
    const { username, user } = await register();
    await testDb().update(users).set({ isActive: false }).where(eq(users.id, user.id));
    await expectProblem(await postLogin({ username, password: "not-the-password-1" }), 401);
    const body = await expectProblem(await postLogin({ username, password: PASSWORD }), 403);
    expect(body.detail).toBe("Inactive user");
  });

  it("re-hashes at the configured cost when the stored hash has another cost, and records last_login", async () => {
    const { username, user } = await register();
    const db = testDb();
    await db
      .update(users)
      .set({ hashedPassword: bcrypt.hashSync(PASSWORD, 5) })
      .where(eq(users.id, user.id));
    await login(username);
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(bcrypt.getRounds(row!.hashedPassword)).toBe(4);
    expect(row!.lastLogin).toBeInstanceOf(Date);
    await login(username); // the new hash works
  });

  it("spends the same bcrypt work on an unknown user as on a wrong password (timing)", async () => {
    // Cost 8 (~25 ms per compare) makes the difference between "compare" and "no compare" obvious.
    const env = { BCRYPT_ROUNDS: "8" };
    const username = unique("timing");
    const reg = await fetchWith(env, "/api/auth/register", {
      method: "POST",
      json: { username, email: `${username}@example.com`, password: PASSWORD },
    });
    expect(reg.status).toBe(201);
    const time = async (json: unknown) => {
      const started = performance.now();
      const res = await fetchWith(env, "/api/auth/login", { method: "POST", json });
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time({ username, password: "not-the-password-1" }));
      unknown.push(await time({ username: unique("ghost"), password: "not-the-password-1" }));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio, `unknown ${median(unknown)} ms vs known ${median(known)} ms`).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });

  it("audits successes and failures without the password", async () => {
    const { username, user } = await register();
    await postLogin({ username, password: "not-the-password-1" });
    await login(username);
    const db = testDb();
    const rows = await eventually(async () => {
      const r = await db
        .select()
        .from(events)
        .where(and(eq(events.userId, user.id)))
        .orderBy(desc(events.id));
      expect(r.map((e) => e.type)).toEqual(expect.arrayContaining(["auth.login", "auth.login_failed"]));
      return r;
    });
    const failed = rows.find((e) => e.type === "auth.login_failed")!;
    expect(failed.metadata).toEqual({ reason: "bad_password" });
    const text = JSON.stringify(rows);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain("not-the-password-1");
  });

  it("refuses requests that carry no credentials at all with 422, and other media types with 415", async () => {
    await expectProblem(await api("/api/auth/login", { method: "POST" }), 422);
    await expectProblem(await postLogin({ password: PASSWORD }), 422);
    await expectProblem(await postLogin({ username: 5, password: PASSWORD }), 422);
    await expectProblem(await postLogin({ username: "abc", password: ["x"] }), 422);
    const res = await api("/api/auth/login", {
      method: "POST",
      body: "username=a&password=b",
      headers: { "Content-Type": "text/plain" },
    });
    await expectProblem(res, 415);
  });

  it("keeps working me after login (the session is live)", async () => {
    const { username } = await register();
    const pair = await login(username);
    expect((await me(pair.access_token)).status).toBe(200);
  });
});
