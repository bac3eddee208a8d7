import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Save<S> = { id: number; name: string; score: number; state: S };
type City = { coins: number; buildings: unknown[] };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}
const post = (u: TestUser, path: string, json?: unknown) =>
  api(path, { method: "POST", headers: u.headers, ...(json === undefined ? {} : { json }) });

describe("games", () => {
  it("serves the fixed catalogue paths (never shadowed by an id) without a token", async () => {
    const types = await ok<Array<{ type: string }>>(await api("/api/games/road-city/building-types"));
    expect(types.map((t) => t.type)).toContain("house");
    expect(
      (await ok<Array<{ action: string }>>(await api("/api/games/road-life/actions"))).map((a) => a.action),
    ).toContain("rest");
    expect((await ok<{ types: string[] }>(await api("/api/games/roadcraft/blocks"))).types).toContain("air");
  });

  it("persists a city per user: building charges it, a taken tile is 409 with nothing written, another user gets 404", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const c = await ok<Save<City>>(await post(a, "/api/games/road-city/cities", { name: "Roadville" }), 201);
    const built = await ok<Save<City>>(
      await post(a, `/api/games/road-city/cities/${c.id}/build`, { type: "house", x: 3, y: 3 }),
    );
    expect(built.state.coins).toBe(c.state.coins - 50);
    expect(built.score).toBe(41);
    const taken = await expectProblem(
      await post(a, `/api/games/road-city/cities/${c.id}/build`, { type: "park", x: 3, y: 3 }),
      409,
    );
    expect(taken.detail).toMatch(/taken by a house/);
    expect(
      (await ok<Save<City>>(await api(`/api/games/road-city/cities/${c.id}`, { headers: a.headers }))).state,
    ).toEqual(built.state);
    await expectProblem(
      await post(a, `/api/games/road-city/cities/${c.id}/build`, { type: "castle", x: 1, y: 1 }),
      422,
    );
    await expectProblem(await post(a, `/api/games/road-city/cities/${c.id}/build`, { type: "park", x: 16, y: 1 }), 422);
    for (const res of [
      await api(`/api/games/road-city/cities/${c.id}`, { headers: b.headers }),
      await post(b, `/api/games/road-city/cities/${c.id}/build`, { type: "park", x: 0, y: 0 }),
      await post(b, `/api/games/road-city/cities/${c.id}/collect`),
      await api(`/api/games/road-city/cities/${c.id}`, { method: "DELETE", headers: b.headers }),
      await api(`/api/games/road-life/characters/${c.id}`, { headers: a.headers }), // another game's id
    ]) {
      await expectProblem(res, 404);
    }
    expect(await ok<unknown[]>(await api("/api/games/road-city/cities", { headers: b.headers }))).toEqual([]);
    expect((await ok<{ hours: number }>(await post(a, `/api/games/road-city/cities/${c.id}/collect`))).hours).toBe(0);
  });

  it("applies concurrent moves one after the other (none lost)", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const w = await ok<Save<unknown>>(await post(a, "/api/games/roadcraft/worlds", { name: "flat" }), 201);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(a, `/api/games/roadcraft/worlds/${w.id}/blocks`, { x: i, y: 0, z: 0, type: "stone" }),
      ),
    );
    const statuses = results.map((r) => r.status);
    // A move that lost three races in a row is a 409 "save-busy"; every 200 must be in the world.
    const placed = statuses.filter((s) => s === 200).length;
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const final = await ok<Save<{ blocks: Record<string, string> }>>(
      await api(`/api/games/roadcraft/worlds/${w.id}`, { headers: a.headers }),
    );
    expect(Object.keys(final.state.blocks)).toHaveLength(placed);
    expect(final.score).toBe(placed);
  });

  it("limits saves to 5 per game, refuses a move against the rules, and ranks players by their best save", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const chars = [];
    for (let i = 0; i < 5; i++)
      chars.push(
        await ok<Save<{ energy: number }>>(await post(a, "/api/games/road-life/characters", { name: `c${i}` }), 201),
      );
    await expectProblem(await post(a, "/api/games/road-life/characters", { name: "sixth" }), 409);
    const hero = chars[0]!;
    for (let i = 0; i < 5; i++)
      await ok(await post(a, `/api/games/road-life/characters/${hero.id}/actions`, { action: "work" }));
    const tired = await expectProblem(
      await post(a, `/api/games/road-life/characters/${hero.id}/actions`, { action: "work" }),
      409,
    );
    expect(tired.detail).toMatch(/Too tired/);
    const bChar = await ok<Save<unknown>>(await post(b, "/api/games/road-life/characters", { name: "b" }), 201);

    const board = await ok<{ entries: Array<{ username: string; score: number; save: string }> }>(
      await api("/api/games/leaderboard/road-life?limit=100", { headers: b.headers }),
    );
    const mineA = board.entries.filter((e) => e.username === a.username);
    expect(mineA).toEqual([expect.objectContaining({ save: "c0" })]); // one row per player: the best save
    const scoreOf = (u: string) => board.entries.find((e) => e.username === u)!.score;
    expect(scoreOf(a.username)).toBeGreaterThan(scoreOf(b.username));
    expect(scoreOf(b.username)).toBe(bChar.score);
    await expectProblem(await api("/api/games/leaderboard/chess", { headers: b.headers }), 422);

    const stats = await ok<Array<{ game: string; saves: number }>>(
      await api("/api/games/stats", { headers: a.headers }),
    );
    expect(stats).toEqual(expect.arrayContaining([expect.objectContaining({ game: "road-life", saves: 5 })]));
  });
});
