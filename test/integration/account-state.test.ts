// Account state on every request (issue 14 §3): a disabled account is refused everywhere at once,
// a deleted account's still-valid token is a 401 (never a 500), and ownership comes before
// "not configured".
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../src/db/schema/index.ts";
import { createDatabase } from "../../src/lib/db.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const pending: Promise<unknown>[] = [];
const db = createDatabase(env, { waitUntil: (p) => void pending.push(p) });

let admin: TestUser;

beforeAll(async () => {
  admin = await createUser();
  await db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
});
afterAll(async () => {
  db.$close();
  await Promise.allSettled(pending);
});

const setStatus = (who: TestUser, id: number, json: unknown) =>
  api(`/api/prism/users/${id}/status`, { method: "PUT", headers: who.headers, json });

async function login(u: TestUser) {
  const res = await api("/api/auth/login", { method: "POST", json: { username: u.username, password: u.password } });
  return { status: res.status, body: (await res.json()) as { access_token?: string; refresh_token?: string } };
}

/** One authenticated write per app the attack used: transfer, post, mail, AI conversation, video. */
function writes(u: TestUser, headers = u.headers): Array<[string, () => Promise<Response>]> {
  return [
    [
      "transfer",
      () =>
        api("/api/blockchain/transactions", {
          method: "POST",
          headers,
          json: { to_address: `RD${"0".repeat(38)}`, amount: "1" },
        }),
    ],
    ["post", () => api("/api/social/posts", { method: "POST", headers, json: { content: "still here?" } })],
    ["mail folders", () => api("/api/email/folders", { headers })],
    [
      "mail send",
      () => api("/api/email/send", { method: "POST", headers, json: { to: admin.email, subject: "hi", body: "x" } }),
    ],
    ["ai conversation", () => api("/api/ai_chat/conversations", { method: "POST", headers, json: { title: "t" } })],
    [
      "video",
      () =>
        api("/api/video", {
          method: "POST",
          headers,
          json: { title: "Clip", video_url: "https://cdn.example.com/c.mp4" },
        }),
    ],
    ["me", () => api("/api/auth/me", { headers })],
  ];
}

describe("disabling an account (Prism)", () => {
  it("ends every session at once: every authenticated request, refresh and login is refused", async () => {
    const victim = await createUser();
    const second = await login(victim); // a second device
    expect(second.status).toBe(200);
    const secondHeaders = { Authorization: `Bearer ${second.body.access_token}` };
    expect(
      (await api("/api/social/posts", { method: "POST", headers: victim.headers, json: { content: "before" } })).status,
    ).toBe(201);

    const res = await setStatus(admin, victim.id, { active: false, reason: "spam reported" });
    expect(res.status, await res.clone().text()).toBe(200);
    const changed = (await res.json()) as { id: number; is_active: boolean; sessions_ended: number };
    expect(changed).toMatchObject({ id: victim.id, is_active: false });

    for (const headers of [victim.headers, secondHeaders]) {
      for (const [name, call] of writes(victim, headers)) {
        const r = await call();
        expect(r.status, `${name}: ${await r.clone().text()}`).toBe(401);
      }
    }
    await expectProblem(
      await api("/api/auth/refresh", { method: "POST", json: { refresh_token: second.body.refresh_token } }),
      401,
    );
    expect((await login(victim)).status).toBe(403);
    expect(changed.sessions_ended).toBe(2);

    const events = await api(`/api/prism/events?type=prism.account_disabled&user_id=${admin.id}`, {
      headers: admin.headers,
    });
    const page = (await events.json()) as { items: Array<{ user_id: number; metadata: Record<string, unknown> }> };
    expect(page.items.find((e) => e.metadata.target_user_id === victim.id)).toMatchObject({
      user_id: admin.id,
      metadata: { target_user_id: victim.id, reason: "spam reported" },
    });

    // Enabled again: the owner logs in as before (old tokens stay dead).
    expect((await setStatus(admin, victim.id, { active: true, reason: "appeal accepted" })).status).toBe(200);
    expect((await login(victim)).status).toBe(200);
    expect((await api("/api/auth/me", { headers: victim.headers })).status).toBe(401);
  });

  it("is for administrators only, needs a reason, and cannot lock the administrator out", async () => {
    const [user, other] = await Promise.all([createUser(), createUser()]);
    await expectProblem(await setStatus(user, other.id, { active: false, reason: "because" }), 403);
    await expectProblem(
      await api(`/api/prism/users/${other.id}/status`, { method: "PUT", json: { active: false, reason: "x" } }),
      401,
    );
    await expectProblem(await setStatus(admin, other.id, { active: false }), 422);
    await expectProblem(await setStatus(admin, other.id, { active: false, reason: " " }), 422);
    await expectProblem(await setStatus(admin, 2_000_000_000, { active: false, reason: "nobody" }), 404);
    await expectProblem(await setStatus(admin, admin.id, { active: false, reason: "oops" }), 409);
    expect((await api("/api/auth/me", { headers: other.headers })).status).toBe(200);
  });
});

describe("a deleted account's still-valid token", () => {
  it("gets 401 on every app, never a 500", async () => {
    const gone = await createUser();
    await db.delete(users).where(eq(users.id, gone.id));
    // The attack's 500s (failed INSERTs): posts, mail, AI conversations, videos. A transfer finds no
    // wallet (404) before it writes anything; either way, never a 5xx.
    for (const [name, call] of writes(gone)) {
      const r = await call();
      const text = await r.clone().text();
      if (name === "transfer") expect(r.status, `${name}: ${text}`).toBe(404);
      else expect(r.status, `${name}: ${text}`).toBe(401);
    }
  });
});

describe("ownership before configuration", () => {
  it("posting to another user's AI conversation is a 404 even without a provider", async () => {
    const [owner, stranger] = await Promise.all([createUser(), createUser()]);
    const created = await api("/api/ai_chat/conversations", {
      method: "POST",
      headers: owner.headers,
      json: { title: "mine" },
    });
    const { id } = (await created.json()) as { id: number };
    for (const accept of ["application/json", "text/event-stream"]) {
      const res = await api(`/api/ai_chat/conversations/${id}/messages`, {
        method: "POST",
        headers: { ...stranger.headers, Accept: accept },
        json: { content: "hello?" },
      });
      await expectProblem(res, 404);
    }
    // The owner still hears that AI chat is off.
    await expectProblem(
      await api(`/api/ai_chat/conversations/${id}/messages`, {
        method: "POST",
        headers: owner.headers,
        json: { content: "hi" },
      }),
      503,
    );
  });
});
