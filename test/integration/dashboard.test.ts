// The dashboard: real counts from every app, the per-user cache and its invalidation, my activity
// from the audit log, and the services list. Counts are per user, so fresh users make them exact.

import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { minerObjectName } from "../../src/durable-objects/miner.contract.ts";
import type { ServiceCard } from "../../src/services/dashboard/overview.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import { testChain, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

type Card = ServiceCard;
type Overview = {
  user: { id: number; username: string; email: string; wallet_address: string | null; balance: string | null };
  services: Card[];
  system_health: {
    overall_status: string;
    services_online: number;
    services_total: number;
    checks: Record<string, { status: string }>;
    checked_at: string;
  };
  timestamp: string;
};
type Activity = {
  id: number;
  type: string;
  service: string;
  action: string;
  description: string;
  created_at: string;
  timestamp: string;
};

async function get<T>(
  path: string,
  user: TestUser,
  headers: Record<string, string> = {},
): Promise<{ res: Response; body: T }> {
  const res = await api(path, { headers: { ...user.headers, ...headers } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
  return { res, body: JSON.parse(text) as T };
}
const overviewOf = async (user: TestUser, headers?: Record<string, string>) =>
  (await get<Overview>("/api/dashboard/overview", user, headers)).body;
const card = (o: Overview, id: string) => {
  const c = o.services.find((s) => s.id === id);
  if (!c) throw new Error(`no ${id} card in ${JSON.stringify(o.services.map((s) => s.id))}`);
  return c;
};
async function post(path: string, user: TestUser, json: unknown, headers: Record<string, string> = {}) {
  const res = await api(path, { method: "POST", headers: { ...user.headers, ...headers }, json });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

describe("dashboard", () => {
  it("needs a token for every endpoint", async () => {
    for (const path of ["overview", "quick-stats", "activity", "services"]) {
      await expectProblem(await api(`/api/dashboard/${path}`), 401);
    }
  });

  it("shows a new user's real zero counts, wallet and system health", async () => {
    const user = await createUser();
    const wallet = await walletOf(user);
    const o = await overviewOf(user);
    expect(o.user).toMatchObject({
      id: user.id,
      username: user.username,
      wallet_address: wallet.address,
      balance: wallet.balance,
    });
    expect(o.services.map((s) => s.id)).toEqual(["email", "social", "video", "ai_chat", "wallet", "miner"]);
    expect(card(o, "email").stats).toEqual({ total: 0, unread: 0, starred: 0 });
    expect(card(o, "social").stats).toEqual({ posts: 0, followers: 0, following: 0, likes_received: 0 });
    expect(card(o, "video").stats).toEqual({ videos: 0, views: 0, likes: 0 });
    expect(card(o, "ai_chat").stats).toEqual({ conversations: 0, messages: 0, tokens: 0 });
    expect(card(o, "wallet").stats).toEqual({ balance: wallet.balance, transactions: 0, pending_transactions: 0 });
    expect(card(o, "miner").stats).toMatchObject({
      state: "stopped",
      blocks_mined: 0,
      coins_mined: "0.00000000",
      hashrate: null,
    });
    expect(o.system_health.checks).toMatchObject({
      postgres: { status: "up" },
      redis: { status: "up" },
      roadchain: { status: "up" },
    });
    expect(o.system_health.overall_status).toBe("healthy");
    // The counts describe the cards listed, nothing else.
    expect(o.system_health.services_total).toBe(o.services.length);
    expect(o.system_health.services_online).toBe(o.services.filter((s) => s.connected).length);
  });

  it("counts mail, posts, followers, videos and views, transfers and mined blocks for real", async () => {
    const chain = testChain();
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    const bobWallet = await walletOf(bob);

    await post("/api/email/send", alice, { to: bob.email, subject: "hi", body: "one" });
    await post("/api/email/send", alice, { to: bob.email, subject: "hi again", body: "two" });
    await post("/api/social/posts", bob, { content: "hello world" });
    await post(`/api/social/users/${bob.id}/follow`, alice, {});
    const video = await post("/api/video", bob, {
      title: "Sunrise",
      video_url: "https://cdn.example.com/v/sunrise.mp4",
    });
    expect((await api(`/api/video/${video.id}`, { headers: alice.headers })).status).toBe(200);
    await post("/api/blockchain/transactions", alice, { to_address: bobWallet.address, amount: "2.5" }, chain.headers);
    await post("/api/miner/control", bob, { action: "start" }, chain.headers);
    expect(await runDurableObjectAlarm(env.MINER.getByName(minerObjectName(bob.id)))).toBe(true);

    const o = await overviewOf(bob, chain.headers);
    expect(card(o, "email").stats).toEqual({ total: 2, unread: 2, starred: 0 });
    expect(card(o, "social").stats).toMatchObject({ posts: 1, followers: 1, following: 0 });
    expect(card(o, "video").stats).toMatchObject({ videos: 1, views: 1 });
    // The transfer is pending until a block includes it; the miner's block did (it mines pending ones).
    expect(card(o, "wallet").stats).toMatchObject({ transactions: 1, pending_transactions: 0 });
    expect(card(o, "miner").stats).toMatchObject({ state: "running", blocks_mined: 1, coins_mined: "50.00000000" });
    expect(card(o, "miner").stats.hashrate).toMatch(/H\/s$/);
    expect(Number(o.user.balance)).toBe(Number(bobWallet.balance) + 2.5 + 50);

    const alices = await overviewOf(alice, chain.headers);
    expect(card(alices, "email").stats).toMatchObject({ total: 0, unread: 0 });
    expect(card(alices, "social").stats).toMatchObject({ posts: 0, followers: 0, following: 1 });
    expect(card(alices, "miner").stats).toMatchObject({ state: "stopped", blocks_mined: 0 });

    const quick = (await get<Record<string, unknown>>("/api/dashboard/quick-stats", bob, chain.headers)).body;
    expect(quick).toMatchObject({
      wallet_balance: o.user.balance,
      unread_emails: 2,
      posts: 1,
      followers: 1,
      videos: 1,
      video_views: 1,
      ai_conversations: 0,
      transactions: 1,
      blocks_mined: 1,
      miner_status: "running",
    });
    await post("/api/miner/control", bob, { action: "stop" }, chain.headers);
  });

  it("caches the overview per user: MISS then HIT, 304 on the ETag, and a write of mine invalidates it", async () => {
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    const first = await get<Overview>("/api/dashboard/overview", bob);
    expect(first.res.headers.get("X-Cache")).toBe("MISS");
    const second = await get<Overview>("/api/dashboard/overview", bob);
    expect(second.res.headers.get("X-Cache")).toBe("HIT");
    expect(second.body).toEqual(first.body);
    const etag = second.res.headers.get("ETag")!;
    const notModified = await api("/api/dashboard/overview", { headers: { ...bob.headers, "If-None-Match": etag } });
    expect(notModified.status).toBe(304);

    // Another user's overview is another entry (the user id is part of the key).
    expect((await get<Overview>("/api/dashboard/overview", alice)).res.headers.get("X-Cache")).toBe("MISS");

    // Mail to Bob changes his unread count: his next overview is fresh.
    await post("/api/email/send", alice, { to: bob.email, subject: "news", body: "x" });
    const after = await get<Overview>("/api/dashboard/overview", bob);
    expect(after.res.headers.get("X-Cache")).toBe("MISS");
    expect(card(after.body, "email").stats).toMatchObject({ unread: 1 });

    // Starting the miner invalidates too.
    const chain = testChain();
    await post("/api/miner/control", bob, { action: "start" }, chain.headers);
    const running = await get<Overview>("/api/dashboard/overview", bob, chain.headers);
    expect(card(running.body, "miner").stats.state).toBe("running");
    await post("/api/miner/control", bob, { action: "stop" }, chain.headers);
    const stopped = await get<Overview>("/api/dashboard/overview", bob, chain.headers);
    expect(stopped.res.headers.get("X-Cache")).toBe("MISS");
    expect(card(stopped.body, "miner").stats.state).toBe("stopped");
  });

  it("an overview built while the miner was unreachable is served, not cached: the next one is fresh", async () => {
    const user = await createUser();
    const unreachable = { getByName: () => ({ status: () => Promise.reject(new Error("Durable Object reset")) }) };
    const res = await fetchWith({ MINER: unreachable } as never, "/api/dashboard/overview", { headers: user.headers });
    const degraded = JSON.parse(await res.text()) as Overview;
    expect(res.status).toBe(200);
    expect(card(degraded, "miner").status).toBe("offline");

    const next = await get<Overview>("/api/dashboard/overview", user);
    expect(next.res.headers.get("X-Cache")).toBe("MISS");
    expect(card(next.body, "miner").status).not.toBe("offline");
    expect((await get<Overview>("/api/dashboard/overview", user)).res.headers.get("X-Cache")).toBe("HIT");
  });

  it("lists my own activity newest first, paginated, and nobody else's", async () => {
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    const chain = testChain();
    await post("/api/miner/control", alice, { action: "start" }, chain.headers);
    await post("/api/miner/control", alice, { action: "stop" }, chain.headers);

    // Audit rows are written after the response (waitUntil): wait until all four are there.
    let page = (await get<{ activities: Activity[]; total: number }>("/api/dashboard/activity", alice)).body;
    for (let i = 0; i < 100 && page.total < 4; i++) {
      await new Promise((r) => setTimeout(r, 30));
      page = (await get<{ activities: Activity[]; total: number }>("/api/dashboard/activity", alice)).body;
    }
    expect(page.total).toBe(4);
    expect(page.activities.map((a) => a.type)).toEqual(["miner.stop", "miner.start", "auth.login", "auth.register"]);
    expect(page.activities[0]).toMatchObject({ service: "miner", action: "stop", description: "Stopped the miner" });
    expect(page.activities[2]).toMatchObject({ description: "Signed in" });
    const times = page.activities.map((a) => Date.parse(a.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const second = (
      await get<{ activities: Activity[]; total: number; limit: number; offset: number }>(
        "/api/dashboard/activity?limit=2&offset=1",
        alice,
      )
    ).body;
    expect(second).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(second.activities.map((a) => a.type)).toEqual(["miner.start", "auth.login"]);
    const beyond = (await get<{ activities: Activity[]; total: number }>("/api/dashboard/activity?offset=10", alice))
      .body;
    expect(beyond).toMatchObject({ activities: [], total: 4 });

    const bobs = (await get<{ activities: Activity[] }>("/api/dashboard/activity?limit=100", bob)).body;
    expect(bobs.activities.every((a) => !a.type.startsWith("miner."))).toBe(true);

    for (const q of ["limit=0", "limit=101", "offset=-1", "limit=ten"]) {
      await expectProblem(await api(`/api/dashboard/activity?${q}`, { headers: alice.headers }), 422);
    }
  });

  it("lists the apps and integrations with configured and healthy status", async () => {
    const user = await createUser();
    const { body } = await get<{
      services: {
        id: string;
        category: string;
        configured: boolean;
        healthy: boolean | null;
        status: string;
        depends_on: string[];
      }[];
      categories: Record<string, string[]>;
      total: number;
      configured: number;
      healthy: number;
      checks: Record<string, { status: string }>;
    }>("/api/dashboard/services", user);
    const byId = Object.fromEntries(body.services.map((s) => [s.id, s]));
    expect(body.total).toBe(body.services.length);
    expect(body.categories.apps).toEqual(
      expect.arrayContaining(["email", "social", "video", "ai_chat", "wallet", "miner", "dashboard"]),
    );
    expect(body.categories.integrations).toEqual(expect.arrayContaining(["openai", "github", "stripe", "sentry"]));
    expect(byId.email).toMatchObject({ configured: true, healthy: true, status: "online" });
    expect(byId.miner).toMatchObject({
      configured: true,
      healthy: true,
      status: "online",
      depends_on: ["postgres", "redis", "roadchain"],
    });
    // The test environment has no AI provider or third-party credentials.
    expect(byId.ai_chat).toMatchObject({ configured: false, healthy: false, status: "not_configured" });
    expect(byId.github).toMatchObject({ configured: false, healthy: null, status: "not_configured" });
    expect(body.configured).toBe(body.services.filter((s) => s.configured).length);
    expect(body.healthy).toBe(body.services.filter((s) => s.healthy === true).length);
    expect(body.checks).toMatchObject({
      postgres: { status: "up" },
      redis: { status: "up" },
      roadchain: { status: "up" },
    });
  });
});
