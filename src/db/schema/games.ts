import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * Saved games (Road City cities, Road Life characters, RoadCraft worlds), each its user's. `state` is
 * the game's own document (src/services/games/*.ts), `score` derived from it on every write so the
 * leaderboard is one indexed query; `version` guards read-modify-write (optimistic concurrency).
 */
export const gameSaves = pgTable(
  "game_saves",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    game: varchar("game", { length: 16 }).notNull(),
    name: varchar("name", { length: 60 }).notNull(),
    state: jsonb("state").$type<Record<string, unknown>>().notNull(),
    score: integer("score").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("game_saves_user_idx").on(t.userId, t.game, t.id),
    index("game_saves_leaderboard_idx").on(t.game, t.score.desc(), t.id),
    check("game_saves_game_check", sql`${t.game} in ('road-city', 'road-life', 'roadcraft')`),
  ],
);
