// LEITL over real WebSockets: presence, broadcast, bounded history, versioned context, expiry by
// alarm, and one workspace per user (another user sees nothing of it).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  LEITL_MAX_MESSAGES_PER_MINUTE,
  type LeitlSession,
  leitlStub,
} from "../../src/durable-objects/leitl.contract.ts";
import type { LeitlDO } from "../../src/durable-objects/leitl.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Push = { type: string; [k: string]: any };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
});

async function register(user: TestUser, agent: string): Promise<LeitlSession> {
  const res = await api("/api/leitl/sessions", { method: "POST", headers: user.headers, json: { agent } });
  expect(res.status).toBe(201);
  return (await res.json()) as LeitlSession;
}

async function connect(user: TestUser, session: string) {
  const res = await api(`/api/leitl/ws?session=${session}`, { headers: { ...user.headers, Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: Push[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.addEventListener("message", (e) => {
    const text = e.data as string;
    messages.push(text.startsWith("{") ? (JSON.parse(text) as Push) : { type: text });
  });
  ws.accept();
  const waitFor = async (pred: (m: Push) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = messages.find(pred);
      if (found) return found;
      await sleep(20);
    }
    throw new Error(`no matching message in ${JSON.stringify(messages)}`);
  };
  return { ws, messages, closed, waitFor };
}

describe("LEITL", () => {
  it("presence, broadcast over sockets and REST, bounded history, activity", async () => {
    const a1 = await register(alice, "planner");
    const a2 = await register(alice, "reviewer");
    const s1 = await connect(alice, a1.id);
    const s2 = await connect(alice, a2.id);
    const hello = await s2.waitFor((m) => m.type === "hello");
    expect(hello.presence.map((s: LeitlSession) => s.agent)).toEqual(["planner", "reviewer"]);

    s1.ws.send(JSON.stringify({ type: "broadcast", data: { note: "tests are green" } }));
    const got = await s2.waitFor((m) => m.type === "message");
    expect(got.message).toMatchObject({ from: a1.id, agent: "planner", data: { note: "tests are green" } });

    const rest = await api("/api/leitl/broadcast", {
      method: "POST",
      headers: alice.headers,
      json: { data: "from me" },
    });
    expect(rest.status).toBe(200);
    await s1.waitFor((m) => m.type === "message" && m.message.data === "from me");

    s1.ws.send("ping");
    await s1.waitFor((m) => m.type === "pong");

    // Bounded: only the newest 100 messages are kept.
    for (let i = 0; i < 105; i++) {
      await api("/api/leitl/broadcast", { method: "POST", headers: alice.headers, json: { data: i } });
    }
    const recent = (await (await api("/api/leitl/messages/recent?limit=200", { headers: alice.headers })).json()) as {
      messages: Array<{ data: unknown }>;
    };
    expect(recent.messages).toHaveLength(100);
    expect(recent.messages.at(-1)!.data).toBe(104);

    const activity = (await (await api("/api/leitl/activity?limit=200", { headers: alice.headers })).json()) as {
      events: Array<{ type: string }>;
    };
    expect(activity.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["session.registered", "message.broadcast"]),
    );

    // A message over the frame limit closes the socket with 1009.
    s2.ws.send("x".repeat(9000));
    expect((await s2.closed).code).toBe(1009);
    s1.ws.close(1000, "done");
  });

  it("closes a socket that floods: more than LEITL_MAX_MESSAGES_PER_MINUTE messages at once is 1008", async () => {
    const session = await register(alice, "flooder");
    const sock = await connect(alice, session.id);
    await sock.waitFor((m) => m.type === "hello");
    // A burst of the bucket's size plus 30: the bucket refills 2 a second, so however slow the
    // machine, the burst empties it within 15 s and the socket is closed before the last ping.
    const sent = LEITL_MAX_MESSAGES_PER_MINUTE + 30;
    for (let i = 0; i < sent; i++) sock.ws.send("ping");
    expect(await sock.closed).toMatchObject({ code: 1008, reason: "too many messages" });
    const pongs = sock.messages.filter((m) => m.type === "pong").length;
    expect(pongs).toBeGreaterThanOrEqual(LEITL_MAX_MESSAGES_PER_MINUTE);
    expect(pongs).toBeLessThan(sent);
  });

  it("keeps each user's workspace theirs", async () => {
    const a = await register(alice, "private-agent");
    const bobs = (await (await api("/api/leitl/sessions/active", { headers: bob.headers })).json()) as {
      sessions: LeitlSession[];
    };
    expect(bobs.sessions.map((s) => s.id)).not.toContain(a.id);
    await expectProblem(
      await api(`/api/leitl/sessions/${a.id}/heartbeat`, { method: "POST", headers: bob.headers }),
      404,
    );
    await expectProblem(
      await api(`/api/leitl/ws?session=${a.id}`, { headers: { ...bob.headers, Upgrade: "websocket" } }),
      404,
    );
    await expectProblem(
      await api("/api/leitl/broadcast", { method: "POST", headers: bob.headers, json: { session_id: a.id, data: 1 } }),
      404,
    );
    expect(
      (await api(`/api/leitl/sessions/${a.id}/heartbeat`, { method: "POST", headers: alice.headers })).status,
    ).toBe(200);
  });

  it("syncs a versioned context: a stale write is a 409, sockets see each change", async () => {
    const s = await register(bob, "ctx");
    const sock = await connect(bob, s.id);
    const first = await api("/api/leitl/context", {
      method: "PUT",
      headers: bob.headers,
      json: { version: 0, document: { goal: "ship" } },
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ version: 1, document: { goal: "ship" } });
    await sock.waitFor((m) => m.type === "context" && m.context.version === 1);

    const stale = await api("/api/leitl/context", {
      method: "PUT",
      headers: bob.headers,
      json: { version: 0, document: { goal: "other" } },
    });
    expect((await expectProblem(stale, 409)).detail).toContain("version 1");
    expect(await (await api("/api/leitl/context", { headers: bob.headers })).json()).toMatchObject({
      version: 1,
      document: { goal: "ship" },
    });
    sock.ws.close(1000, "done");
  });

  it("drops a session whose heartbeat expired (by the alarm) and closes its socket; ending one closes it too", async () => {
    const user = await createUser();
    const keep = await register(user, "keeper");
    const lapse = await register(user, "lapser");
    const sKeep = await connect(user, keep.id);
    const sLapse = await connect(user, lapse.id);

    const stub = leitlStub(env.LEITL, user.id);
    await runInDurableObject(stub, (_o: LeitlDO, state) => {
      const sessions = state.storage.kv.get<Record<string, LeitlSession>>("sessions")!;
      sessions[lapse.id]!.expires_at = new Date(Date.now() - 1000).toISOString();
      state.storage.kv.put("sessions", sessions);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect(await sLapse.closed).toMatchObject({ code: 1000, reason: "session expired" });
    const left = await sKeep.waitFor((m) => m.type === "presence" && m.event === "expired");
    expect(left.session.id).toBe(lapse.id);
    const active = (await (await api("/api/leitl/sessions/active", { headers: user.headers })).json()) as {
      sessions: LeitlSession[];
    };
    expect(active.sessions.map((s) => s.id)).toEqual([keep.id]);
    await expectProblem(
      await api(`/api/leitl/sessions/${lapse.id}/heartbeat`, { method: "POST", headers: user.headers }),
      404,
    );

    expect((await api(`/api/leitl/sessions/${keep.id}`, { method: "DELETE", headers: user.headers })).status).toBe(204);
    expect(await sKeep.closed).toMatchObject({ code: 1000, reason: "session ended" });
  });
});
