import { and, desc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, refreshTokenFamilies, refreshTokens } from "../../src/db/schema/index.ts";
import { sha256Hex } from "../../src/services/auth/tokens.ts";
import { sessionKey } from "../../src/services/sessions.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { claimsOf, eventually, login, me, type Pair, refresh, register, testDb, testRedis } from "../helpers/auth.ts";

async function rotate(token: string): Promise<Pair> {
  const res = await refresh(token);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Pair;
}

/** Moves a token's "used" time out of the reuse grace window, as if the replay came minutes later. */
async function ageUse(token: string) {
  await testDb()
    .update(refreshTokens)
    .set({ usedAt: sql`now() - interval '5 minutes'` })
    .where(eq(refreshTokens.tokenHash, await sha256Hex(token)));
}

async function session() {
  const { username, user } = await register();
  return { user, pair: await login(username) };
}

describe("POST /api/auth/refresh", () => {
  it("rotates: a new pair in the same session, stored only as a hash", async () => {
    const { pair } = await session();
    const next = await rotate(pair.refresh_token);
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    expect(next.access_token).not.toBe(pair.access_token);
    expect(claimsOf(next.access_token).sid).toBe(claimsOf(pair.access_token).sid);
    expect((await me(next.access_token)).status).toBe(200);

    const rows = await testDb()
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.familyId, String(claimsOf(pair.refresh_token).sid)));
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(pair.refresh_token);
    expect(JSON.stringify(rows)).not.toContain(next.refresh_token.split(".")[2]);
    const parent = rows.find((r) => r.id === claimsOf(pair.refresh_token).jti)!;
    expect(parent.usedAt).toBeInstanceOf(Date);
    expect(parent.replacedBy).toBe(claimsOf(next.refresh_token).jti);
  });

  it("detects reuse: replaying a rotated token revokes the whole family (port of TestRefreshTokenReuseRevocation)", async () => {
    const { user, pair } = await session();
    const tokens = [pair.refresh_token];
    let latest = pair;
    for (let i = 0; i < 3; i++) {
      latest = await rotate(tokens.at(-1)!);
      await ageUse(tokens.at(-1)!);
      tokens.push(latest.refresh_token);
    }

    const replay = await expectProblem(await refresh(tokens[0]!), 401);
    expect(replay.type).toMatch(/refresh-token-reused$/);
    for (const t of tokens) await expectProblem(await refresh(t), 401);
    // The session is gone too: the newest access token stops working at once.
    await expectProblem(await me(latest.access_token), 401);

    const [family] = await testDb()
      .select()
      .from(refreshTokenFamilies)
      .where(eq(refreshTokenFamilies.id, String(claimsOf(pair.refresh_token).sid)));
    expect(family!.revokedReason).toBe("reuse_detected");
    await eventually(async () => {
      const rows = await testDb()
        .select()
        .from(events)
        .where(and(eq(events.userId, user.id), eq(events.type, "auth.refresh_reuse_detected")))
        .orderBy(desc(events.id));
      expect(rows).toHaveLength(1);
    });
  });

  it("gives a replay inside the grace window 409 and keeps the session", async () => {
    const { pair } = await session();
    const next = await rotate(pair.refresh_token);
    const body = await expectProblem(await refresh(pair.refresh_token), 409);
    expect(body.type).toMatch(/refresh-in-progress$/);
    await rotate(next.refresh_token);
  });

  async function concurrentRefreshes(n: number) {
    const { pair } = await session();
    const results = await Promise.all(Array.from({ length: n }, () => refresh(pair.refresh_token)));
    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      statuses.join(","),
    ).toBe(true);
    const winners = await Promise.all(results.filter((r) => r.status === 200).map((r) => r.json<Pair>()));
    expect(winners).toHaveLength(1);
    await rotate(winners[0]!.refresh_token);
  }

  it("lets exactly one of two concurrent refreshes of one token win; the other gets 409", async () => {
    await concurrentRefreshes(2);
  });

  it("lets exactly one of ten concurrent refreshes of one token win", async () => {
    await concurrentRefreshes(10);
  });

  it("re-opens a session that idled out in Redis", async () => {
    const { user, pair } = await session();
    await testRedis().del(sessionKey(user.id));
    await expectProblem(await me(pair.access_token), 401);
    const next = await rotate(pair.refresh_token);
    expect((await me(next.access_token)).status).toBe(200);
  });

  it("accepts the OAuth2 form (grant_type=refresh_token)", async () => {
    const { pair } = await session();
    const res = await api("/api/auth/refresh", {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: pair.refresh_token }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("refuses missing, empty, oversized and garbage tokens", async () => {
    const { pair } = await session();
    await expectProblem(await api("/api/auth/refresh", { method: "POST", json: {} }), 422);
    await expectProblem(await refresh(""), 422);
    await expectProblem(await refresh("x".repeat(10_000)), 422);
    await expectProblem(await api("/api/auth/refresh", { method: "POST" }), 422);
    for (const t of ["garbage", "a.b.c", pair.access_token, `${pair.refresh_token}x`])
      await expectProblem(await refresh(t), 401);
  });

  it("refuses a refresh token whose user was disabled, and ends that session", async () => {
    const { user, pair } = await session();
    await testDb().execute(sql`update users set is_active = false where id = ${user.id}`);
    await expectProblem(await refresh(pair.refresh_token), 401);
    await expectProblem(await me(pair.access_token), 401);
  });
});
