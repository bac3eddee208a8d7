import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, refreshTokenFamilies } from "../../src/db/schema/index.ts";
import { windowMs } from "../../src/middleware/rate-limit.ts";
import { ACCOUNT_WINDOW } from "../../src/services/auth/login-throttle.ts";
import { hashEntries, listSessions, SESSION_TTL_SECONDS, sessionKey } from "../../src/services/sessions.ts";
import { api, expectProblem } from "../helpers/api.ts";
import {
  awayFromWindowEdge,
  bearer,
  claimsOf,
  eventually,
  fetchWith,
  login,
  me,
  PASSWORD,
  refresh,
  register,
  testDb,
  testRedis,
} from "../helpers/auth.ts";

const logout = (token: string, query = "") =>
  api(`/api/auth/logout${query}`, { method: "POST", headers: bearer(token) });
const changePassword = (token: string, json: unknown) =>
  api("/api/auth/password", { method: "POST", json, headers: bearer(token) });

describe("sessions in Redis", () => {
  it("keeps one hash per user, one field per device, with a sliding 1-hour TTL", async () => {
    const { username, user } = await register();
    const a = await login(username, PASSWORD, { "User-Agent": "device-a" });
    const b = await login(username, PASSWORD, { "User-Agent": "device-b" });
    const redis = testRedis();
    const fields = Object.fromEntries(hashEntries(await redis.hgetall(sessionKey(user.id))));
    expect(Object.keys(fields).sort()).toEqual([claimsOf(a.access_token).sid, claimsOf(b.access_token).sid].sort());
    const entry = JSON.parse(fields[String(claimsOf(a.access_token).sid)]!);
    expect(Object.keys(entry)).toEqual(["last_seen", "created_at", "ip", "user_agent"]);
    expect(entry.user_agent).toBe("device-a");
    const listed = await listSessions(redis, user.id);
    expect(listed.map((x) => x.userAgent).sort()).toEqual(["device-a", "device-b"]);

    await redis.expire(sessionKey(user.id), 60);
    expect((await me(a.access_token)).status).toBe(200);
    const ttl = Number(await redis.ttl(sessionKey(user.id)));
    expect(ttl).toBeGreaterThan(SESSION_TTL_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(SESSION_TTL_SECONDS);
  });

  it("ends a session that has been idle longer than the TTL even while another device keeps the key alive", async () => {
    const { username, user } = await register();
    const a = await login(username);
    const b = await login(username);
    const redis = testRedis();
    const sid = String(claimsOf(a.access_token).sid);
    const entry = JSON.parse(String(await redis.hget(sessionKey(user.id), sid)));
    entry.last_seen -= SESSION_TTL_SECONDS + 5;
    await redis.hset(sessionKey(user.id), { [sid]: JSON.stringify(entry) });
    await expectProblem(await me(a.access_token), 401);
    expect((await me(b.access_token)).status).toBe(200);
  });

  it("never reads an unreadable session entry as a live session", async () => {
    const { username, user } = await register();
    const a = await login(username);
    await testRedis().hset(sessionKey(user.id), { [String(claimsOf(a.access_token).sid)]: "garbage" });
    await expectProblem(await me(a.access_token), 401);
  });
});

describe("GET /api/auth/sessions and DELETE /api/auth/sessions/{id}", () => {
  type SessionJson = {
    id: string;
    current: boolean;
    created_at: string;
    last_seen: string;
    ip: string | null;
    user_agent: string | null;
  };
  const sessions = async (token: string) => {
    const res = await api("/api/auth/sessions", { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    return res.json<SessionJson[]>();
  };
  const end = (token: string, id: string) =>
    api(`/api/auth/sessions/${id}`, { method: "DELETE", headers: bearer(token) });

  it("lists my devices, marks the current one, and ends another one at once (tokens refused, refresh revoked)", async () => {
    const { username } = await register();
    const laptop = await login(username, PASSWORD, { "User-Agent": "laptop-browser/1" });
    const phone = await login(username, PASSWORD, { "User-Agent": "phone-app/2" });
    const list = await sessions(laptop.access_token);
    expect(list).toHaveLength(2);
    const mine = list.find((s) => s.current)!;
    const other = list.find((s) => !s.current)!;
    expect(mine).toMatchObject({ id: claimsOf(laptop.access_token).sid, user_agent: "laptop-browser/1" });
    expect(other).toMatchObject({ id: claimsOf(phone.access_token).sid, user_agent: "phone-app/2" });
    expect(Date.parse(other.created_at)).toBeLessThanOrEqual(Date.parse(other.last_seen));

    expect((await end(laptop.access_token, other.id)).status).toBe(204);
    await expectProblem(await me(phone.access_token), 401);
    await expectProblem(await refresh(phone.refresh_token), 401);
    expect((await sessions(laptop.access_token)).map((s) => s.id)).toEqual([mine.id]);
    await expectProblem(await end(laptop.access_token, other.id), 404); // already ended
  });

  it("never shows or ends another user's session; malformed ids are 422", async () => {
    const a = await register();
    const b = await register();
    const aPair = await login(a.username);
    const bPair = await login(b.username);
    const bSid = String(claimsOf(bPair.access_token).sid);
    expect((await sessions(aPair.access_token)).map((s) => s.id)).not.toContain(bSid);
    await expectProblem(await end(aPair.access_token, bSid), 404);
    expect((await me(bPair.access_token)).status).toBe(200); // untouched
    for (const bad of ["short", "has.dot.inside-but-long-enough", "x".repeat(65)])
      await expectProblem(await end(aPair.access_token, bad), 422);
    await expectProblem(await api("/api/auth/sessions"), 401);
  });

  it("ending my current session is a logout", async () => {
    const { username } = await register();
    const pair = await login(username);
    expect((await end(pair.access_token, String(claimsOf(pair.access_token).sid))).status).toBe(204);
    await expectProblem(await me(pair.access_token), 401);
  });
});

describe("POST /api/auth/logout", () => {
  it("kills the access token on the very next request and revokes the refresh token", async () => {
    const { username } = await register();
    const pair = await login(username);
    const other = await login(username);
    const res = await logout(pair.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Successfully logged out", sessions_ended: 1 });
    await expectProblem(await me(pair.access_token), 401);
    await expectProblem(await refresh(pair.refresh_token), 401);
    await expectProblem(await logout(pair.access_token), 401);
    // Another device is unaffected.
    expect((await me(other.access_token)).status).toBe(200);
  });

  it("with ?all=true ends every session of the user", async () => {
    const { username, user } = await register();
    const a = await login(username);
    const b = await login(username);
    const c = await login(username);
    const res = await logout(a.access_token, "?all=true");
    expect(res.status).toBe(200);
    expect((await res.json<{ sessions_ended: number }>()).sessions_ended).toBe(3);
    for (const p of [a, b, c]) {
      await expectProblem(await me(p.access_token), 401);
      await expectProblem(await refresh(p.refresh_token), 401);
    }
    await eventually(async () => {
      const rows = await testDb().select().from(events).where(eq(events.userId, user.id));
      expect(rows.map((r) => r.type)).toContain("auth.logout_all");
    });
  });

  it("requires authentication and a sane query", async () => {
    await expectProblem(await api("/api/auth/logout", { method: "POST" }), 401);
    const { username } = await register();
    const pair = await login(username);
    await expectProblem(await logout(pair.access_token, "?all=maybe"), 422);
  });
});

describe("POST /api/auth/password", () => {
  it("changes the password and ends every other session and family, keeping this one", async () => {
    const { username, user } = await register();
    const current = await login(username);
    const other = await login(username);
    const res = await changePassword(current.access_token, {
      current_password: PASSWORD,
      new_password: "marmalade-orbit-19",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Password changed", sessions_ended: 1 });

    await expectProblem(await me(other.access_token), 401);
    await expectProblem(await refresh(other.refresh_token), 401);
    expect((await me(current.access_token)).status).toBe(200);
    expect((await refresh(current.refresh_token)).status).toBe(200);

    await expectProblem(await api("/api/auth/login", { method: "POST", json: { username, password: PASSWORD } }), 401);
    await login(username, "marmalade-orbit-19");
    await eventually(async () => {
      const rows = await testDb().select().from(events).where(eq(events.userId, user.id));
      expect(rows.map((r) => r.type)).toContain("auth.password_change");
      expect(JSON.stringify(rows)).not.toContain("marmalade");
    });
  });

  it("a login whose password check raced a password change gets no session (the change wins)", async () => {
    const { username, user } = await register();
    const changer = await login(username);
    // The login's compare (cost 4) passes with the old password at once; its re-hash at cost 14
    // then takes seconds, and the password change commits in between.
    const racing = fetchWith({ BCRYPT_ROUNDS: "14" }, "/api/auth/login", {
      method: "POST",
      json: { username, password: PASSWORD },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await changePassword(changer.access_token, { current_password: PASSWORD, new_password: "marmalade-orbit-19" }))
        .status,
    ).toBe(200);
    await expectProblem(await racing, 401);

    // The raced login did write its family (so the guard path ran), and it is revoked.
    const families = await testDb().select().from(refreshTokenFamilies).where(eq(refreshTokenFamilies.userId, user.id));
    expect(families).toHaveLength(2);
    const live = families.filter((f) => f.revokedAt === null);
    expect(live.map((f) => f.id)).toEqual([claimsOf(changer.access_token).sid]);
    await login(username, "marmalade-orbit-19");
  });

  it("counts wrong current passwords against the account's login budget", async () => {
    await awayFromWindowEdge(windowMs(ACCOUNT_WINDOW));
    const { username } = await register();
    const pair = await login(username);
    for (let i = 0; i < 10; i++) {
      await expectProblem(
        await changePassword(pair.access_token, {
          current_password: "not-the-password-1",
          new_password: "marmalade-orbit-19",
        }),
        403,
      );
    }
    await expectProblem(
      await changePassword(pair.access_token, { current_password: PASSWORD, new_password: "marmalade-orbit-19" }),
      429,
    );
    await expectProblem(await api("/api/auth/login", { method: "POST", json: { username, password: PASSWORD } }), 429);
  });

  it("refuses a wrong current password (403) and a weak or unchanged new one (422)", async () => {
    const { username } = await register();
    const pair = await login(username);
    await expectProblem(
      await changePassword(pair.access_token, {
        current_password: "not-the-password-1",
        new_password: "marmalade-orbit-19",
      }),
      403,
    );
    await expectProblem(
      await changePassword(pair.access_token, { current_password: PASSWORD, new_password: "short" }),
      422,
    );
    await expectProblem(
      await changePassword(pair.access_token, { current_password: PASSWORD, new_password: "password123" }),
      422,
    );
    await expectProblem(
      await changePassword(pair.access_token, { current_password: PASSWORD, new_password: "a".repeat(73) }),
      422,
    );
    await expectProblem(
      await changePassword(pair.access_token, { current_password: PASSWORD, new_password: PASSWORD }),
      422,
    );
    await expectProblem(await changePassword(pair.access_token, { current_password: PASSWORD }), 422);
    await expectProblem(
      await api("/api/auth/password", {
        method: "POST",
        json: { current_password: PASSWORD, new_password: "marmalade-orbit-19" },
      }),
      401,
    );
    await login(username); // still the old password
  });
});
