import { and, asc, desc, eq, sql } from "drizzle-orm";
import { gameSaves, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { insertReturningRow } from "../../lib/insert-returning.ts";
import { type CityState, cityScore } from "./road-city.ts";
import { type CharacterState, characterScore } from "./road-life.ts";
import { type WorldState, worldScore } from "./roadcraft.ts";

/**
 * Saved games, each its user's (every statement filters on `user_id`: another user's save is a 404).
 * A move reads the save, applies the game's pure rule and writes back only if nobody wrote in between
 * (`version`); a lost race is retried, so two moves at once never overwrite each other.
 */
export const GAMES = ["road-city", "road-life", "roadcraft"] as const;
export type Game = (typeof GAMES)[number];
export type GameState = { "road-city": CityState; "road-life": CharacterState; roadcraft: WorldState };

export const MAX_SAVES_PER_GAME = 5;
const SCORE: { [G in Game]: (s: GameState[G]) => number } = {
  "road-city": cityScore,
  "road-life": characterScore,
  roadcraft: worldScore,
};
const NOUN: Record<Game, string> = { "road-city": "City", "road-life": "Character", roadcraft: "World" };

type SaveRow = typeof gameSaves.$inferSelect;
export type Save<G extends Game> = Omit<SaveRow, "state"> & { state: GameState[G] };

export const saveJson = <G extends Game>(s: Save<G>) => ({
  id: s.id,
  name: s.name,
  score: s.score,
  state: s.state,
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
});

const mine = (userId: number, game: Game, id: number) =>
  and(eq(gameSaves.id, id), eq(gameSaves.userId, userId), eq(gameSaves.game, game));

export async function createSave<G extends Game>(
  db: Database,
  userId: number,
  game: G,
  name: string,
  state: GameState[G],
): Promise<Save<G>> {
  const score = SCORE[game](state);
  // One statement, no lock: the cap is soft under a race of creates (it bounds storage, not money).
  const row = await insertReturningRow(
    db,
    gameSaves,
    sql`insert into ${gameSaves} (user_id, game, name, state, score)
      select ${userId}::int, ${game}::text, ${name}::text, ${JSON.stringify(state)}::jsonb, ${score}::int
      where (select count(*) from ${gameSaves} where user_id = ${userId} and game = ${game}) < ${MAX_SAVES_PER_GAME}`,
  );
  if (!row) throw conflict(`At most ${MAX_SAVES_PER_GAME} saves per game`, "save-limit");
  return row as Save<G>;
}

export async function listSaves<G extends Game>(db: Database, userId: number, game: G): Promise<Save<G>[]> {
  const rows = await db
    .select()
    .from(gameSaves)
    .where(and(eq(gameSaves.userId, userId), eq(gameSaves.game, game)))
    .orderBy(asc(gameSaves.id));
  return rows as Save<G>[];
}

export async function getSave<G extends Game>(db: Database, userId: number, game: G, id: number): Promise<Save<G>> {
  const [row] = await db
    .select()
    .from(gameSaves)
    .where(mine(userId, game, id));
  if (!row) throw notFound(`${NOUN[game]} not found`);
  return row as Save<G>;
}

export async function deleteSave(db: Database, userId: number, game: Game, id: number) {
  const gone = await db
    .delete(gameSaves)
    .where(mine(userId, game, id))
    .returning({ id: gameSaves.id });
  if (!gone.length) throw notFound(`${NOUN[game]} not found`);
}

export type Move<S> = (state: S) => { ok: true; state: S } | { ok: false; reason: string };

/** Applies a move; a rule refusing it is a 409 with the rule's reason, and nothing is written. */
export async function applyMove<G extends Game>(
  db: Database,
  userId: number,
  game: G,
  id: number,
  move: Move<GameState[G]>,
): Promise<Save<G>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const save = await getSave(db, userId, game, id);
    const result = move(save.state);
    if (!result.ok) throw conflict(result.reason, "move-refused");
    const [row] = await db
      .update(gameSaves)
      .set({
        state: result.state as Record<string, unknown>,
        score: SCORE[game](result.state),
        version: save.version + 1,
        updatedAt: sql`now()`,
      })
      .where(and(mine(userId, game, id), eq(gameSaves.version, save.version)))
      .returning();
    if (row) return row as Save<G>;
  }
  throw conflict("The save changed while this move was applied; try again", "save-busy");
}

/** The best save of each player, highest first. */
export async function leaderboard(db: Database, game: Game, limit: number) {
  const best = db
    .selectDistinctOn([gameSaves.userId], {
      userId: gameSaves.userId,
      score: gameSaves.score,
      name: gameSaves.name,
    })
    .from(gameSaves)
    .where(eq(gameSaves.game, game))
    .orderBy(gameSaves.userId, desc(gameSaves.score), asc(gameSaves.id))
    .as("best");
  const rows = await db
    .select({ username: users.username, score: best.score, save: best.name })
    .from(best)
    .innerJoin(users, eq(users.id, best.userId))
    .orderBy(desc(best.score), asc(users.username))
    .limit(limit);
  return rows.map((r, i) => ({ rank: i + 1, ...r }));
}

export async function myStats(db: Database, userId: number) {
  const rows = await db
    .select({
      game: gameSaves.game,
      saves: sql<number>`count(*)::int`,
      best_score: sql<number>`max(${gameSaves.score})::int`,
    })
    .from(gameSaves)
    .where(eq(gameSaves.userId, userId))
    .groupBy(gameSaves.game);
  return GAMES.map((game) => {
    const r = rows.find((x) => x.game === game);
    return { game, saves: r?.saves ?? 0, best_score: r?.best_score ?? 0 };
  });
}
