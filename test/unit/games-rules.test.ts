import { describe, expect, it } from "vitest";
import * as city from "../../src/services/games/road-city.ts";
import * as life from "../../src/services/games/road-life.ts";
import * as craft from "../../src/services/games/roadcraft.ts";

const ok = <S>(r: { ok: true; state: S } | { ok: false; reason: string }): S => {
  if (!r.ok) throw new Error(r.reason);
  return r.state;
};
const refused = (r: { ok: boolean; reason?: string }) => (r.ok ? "allowed" : r.reason);

describe("Road City", () => {
  const start = city.newCity(new Date("2026-01-01T00:00:00Z"));

  it("charges a building's cost and refuses taken tiles, the map's edge and too few resources", () => {
    const one = ok(city.build(start, "farm", 0, 0)); // 2×2: (0..1, 0..1)
    expect(one).toMatchObject({ coins: 160, wood: 70, stone: 40 });
    expect(refused(city.build(one, "house", 1, 1))).toMatch(/\(1, 1\) is taken by a farm/);
    expect(refused(city.build(one, "house", 2, 1))).toBe("allowed");
    expect(refused(city.build(one, "farm", 15, 0))).toMatch(/does not fit/);
    expect(refused(city.build(one, "tower", 5, 5))).toMatch(/Not enough coins, wood, stone/);
    expect(one.buildings).toEqual([{ type: "farm", x: 0, y: 0 }]);
    expect(start.buildings).toEqual([]); // rules never mutate
  });

  it("collects whole hours of production, at most 24, and scores population", () => {
    const farmed = ok(city.build(ok(city.build(start, "farm", 0, 0)), "house", 4, 4));
    const later = city.collect(farmed, new Date("2026-01-01T03:30:00Z"));
    expect(later.hours).toBe(3);
    expect(later.state.coins).toBe(farmed.coins + 30);
    expect(later.state.collected_at).toBe("2026-01-01T03:00:00.000Z"); // the half hour is kept
    expect(city.collect(later.state, new Date("2026-01-01T03:59:00Z")).hours).toBe(0);
    expect(city.collect(farmed, new Date("2026-01-05T00:00:00Z")).hours).toBe(24);
    expect(city.cityScore(farmed)).toBe(4 * 10 + 2);
  });
});

describe("Road Life", () => {
  it("keeps stats within 0–100 and refuses an action without the energy or money for it", () => {
    let c = life.newCharacter();
    c = ok(life.act(c, "rest"));
    expect(c.energy).toBe(100); // clamped
    expect(c.day).toBe(3 - 1);
    for (let i = 0; i < 5; i++) c = ok(life.act(c, "work"));
    expect(c.energy).toBe(0);
    expect(refused(life.act(c, "work"))).toMatch(/Too tired/);
    const broke = { ...life.newCharacter(), money: 5 };
    expect(refused(life.act(broke, "study"))).toMatch(/Not enough money/);
  });
});

describe("RoadCraft", () => {
  it("places blocks in bounds and on support, removes with air only what holds nothing up", () => {
    let w = ok(craft.place(craft.newWorld(), { x: 0, y: 0, z: 0 }, "stone"));
    expect(refused(craft.place(w, { x: 1, y: 1, z: 1 }, "wood"))).toMatch(/needs a block under it/);
    w = ok(craft.place(w, { x: 0, y: 1, z: 0 }, "wood"));
    expect(refused(craft.place(w, { x: 0, y: 0, z: 0 }, "air"))).toMatch(/holds one up/);
    expect(refused(craft.place(w, { x: 32, y: 0, z: 0 }, "wood"))).toMatch(/outside/);
    expect(refused(craft.place(w, { x: 5, y: 0, z: 5 }, "air"))).toMatch(/no block/);
    w = ok(craft.place(w, { x: 0, y: 1, z: 0 }, "air"));
    expect(w.blocks).toEqual({ "0,0,0": "stone" });
    expect(craft.worldScore(w)).toBe(1);
  });
});
