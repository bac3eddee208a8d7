/**
 * Road City rules (pure): a 16×16 grid, buildings that cost resources and take space, and production
 * collected from the time elapsed (server clock, at most 24 h at a time).
 */
export const CITY_SIZE = 16;
export const MAX_COLLECT_HOURS = 24;

export const BUILDING_TYPES = {
  house: { cost: { coins: 50, wood: 20, stone: 0 }, width: 1, height: 1, population: 4, produces: {} },
  farm: { cost: { coins: 40, wood: 10, stone: 0 }, width: 2, height: 2, population: 0, produces: { coins: 10 } },
  sawmill: { cost: { coins: 60, wood: 0, stone: 10 }, width: 2, height: 1, population: 0, produces: { wood: 8 } },
  quarry: { cost: { coins: 80, wood: 20, stone: 0 }, width: 2, height: 2, population: 0, produces: { stone: 6 } },
  park: { cost: { coins: 30, wood: 5, stone: 5 }, width: 1, height: 1, population: 1, produces: {} },
  tower: { cost: { coins: 400, wood: 100, stone: 150 }, width: 2, height: 2, population: 40, produces: { coins: 20 } },
} as const;
export type BuildingType = keyof typeof BUILDING_TYPES;
export const BUILDING_TYPE_NAMES = Object.keys(BUILDING_TYPES) as [BuildingType, ...BuildingType[]];

type Resources = { coins: number; wood: number; stone: number };
export type CityState = Resources & {
  buildings: Array<{ type: BuildingType; x: number; y: number }>;
  collected_at: string;
};

export const newCity = (now: Date): CityState => ({
  coins: 200,
  wood: 80,
  stone: 40,
  buildings: [],
  collected_at: now.toISOString(),
});

export type RuleResult<S> = { ok: true; state: S } | { ok: false; reason: string };

const covers = (b: { type: BuildingType; x: number; y: number }, x: number, y: number) => {
  const t = BUILDING_TYPES[b.type];
  return x >= b.x && x < b.x + t.width && y >= b.y && y < b.y + t.height;
};

export function build(state: CityState, type: BuildingType, x: number, y: number): RuleResult<CityState> {
  const t = BUILDING_TYPES[type];
  if (x + t.width > CITY_SIZE || y + t.height > CITY_SIZE) {
    return {
      ok: false,
      reason: `A ${type} (${t.width}×${t.height}) does not fit at (${x}, ${y}) on a ${CITY_SIZE}×${CITY_SIZE} map`,
    };
  }
  for (let dx = 0; dx < t.width; dx++) {
    for (let dy = 0; dy < t.height; dy++) {
      const taken = state.buildings.find((b) => covers(b, x + dx, y + dy));
      if (taken) return { ok: false, reason: `(${x + dx}, ${y + dy}) is taken by a ${taken.type}` };
    }
  }
  const short = (["coins", "wood", "stone"] as const).filter((r) => state[r] < t.cost[r]);
  if (short.length) {
    return { ok: false, reason: `Not enough ${short.join(", ")}: a ${type} costs ${JSON.stringify(t.cost)}` };
  }
  return {
    ok: true,
    state: {
      ...state,
      coins: state.coins - t.cost.coins,
      wood: state.wood - t.cost.wood,
      stone: state.stone - t.cost.stone,
      buildings: [...state.buildings, { type, x, y }],
    },
  };
}

/** Adds what the buildings produced since the last collection (whole hours, at most MAX_COLLECT_HOURS). */
export function collect(state: CityState, now: Date): { state: CityState; hours: number } {
  const since = Date.parse(state.collected_at);
  const hours = Math.min(MAX_COLLECT_HOURS, Math.max(0, Math.floor((now.getTime() - since) / 3_600_000)));
  if (hours === 0) return { state, hours };
  const next = { ...state, collected_at: new Date(since + hours * 3_600_000).toISOString() };
  if (hours === MAX_COLLECT_HOURS) next.collected_at = now.toISOString(); // what lies beyond the cap is lost
  for (const b of state.buildings) {
    const produces: Partial<Resources> = BUILDING_TYPES[b.type].produces;
    for (const r of ["coins", "wood", "stone"] as const) next[r] += (produces[r] ?? 0) * hours;
  }
  return { state: next, hours };
}

export const population = (s: CityState) => s.buildings.reduce((n, b) => n + BUILDING_TYPES[b.type].population, 0);
export const cityScore = (s: CityState) => population(s) * 10 + s.buildings.length;
