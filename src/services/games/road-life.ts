/** Road Life rules (pure): a character whose stats each action changes, every stat kept within 0–100. */
export const STATS = ["energy", "health", "happiness", "skill"] as const;
type Stat = (typeof STATS)[number];

export const ACTIONS = {
  work: { energy: -20, happiness: -5, money: 30, skill: 1 },
  study: { energy: -15, skill: 5, money: -10 },
  rest: { energy: 40, health: 5 },
  exercise: { energy: -15, health: 10, happiness: 5 },
  socialize: { energy: -10, happiness: 15, money: -15 },
} as const satisfies Record<string, Partial<Record<Stat | "money", number>>>;
export type LifeAction = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as [LifeAction, ...LifeAction[]];

export type CharacterState = Record<Stat, number> & { money: number; day: number };

export const newCharacter = (): CharacterState => ({
  energy: 100,
  health: 80,
  happiness: 60,
  skill: 0,
  money: 50,
  day: 1,
});

const clamp = (n: number) => Math.min(100, Math.max(0, n));

export function act(
  state: CharacterState,
  action: LifeAction,
): { ok: true; state: CharacterState } | { ok: false; reason: string } {
  const effect: Partial<Record<Stat | "money", number>> = ACTIONS[action];
  const energy = effect.energy ?? 0;
  const money = effect.money ?? 0;
  if (state.energy + energy < 0)
    return { ok: false, reason: `Too tired to ${action} (energy ${state.energy}); rest first` };
  if (state.money + money < 0)
    return { ok: false, reason: `Not enough money to ${action} (${state.money}, needs ${-money})` };
  const next = { ...state, money: state.money + money, day: state.day + 1 };
  for (const stat of STATS) next[stat] = clamp(state[stat] + (effect[stat] ?? 0));
  return { ok: true, state: next };
}

export const characterScore = (s: CharacterState) => s.money + s.skill * 10 + s.health + s.happiness;
