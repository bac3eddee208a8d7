import { z } from "@hono/zod-openapi";
import { IdParams } from "../../lib/params.ts";
import { BUILDING_TYPE_NAMES, CITY_SIZE } from "../../services/games/road-city.ts";
import { ACTION_NAMES } from "../../services/games/road-life.ts";
import { BLOCK_TYPES, WORLD } from "../../services/games/roadcraft.ts";
import { GAMES } from "../../services/games/saves.ts";

export { IdParams };

export const NewSaveBody = z
  .strictObject({ name: z.string().trim().min(1).max(60).openapi({ example: "Roadville" }) })
  .openapi("NewGameSave");

const saveOf = <T extends z.ZodType>(state: T, name: string) =>
  z
    .object({
      id: z.number().int(),
      name: z.string(),
      score: z.number().int(),
      state,
      created_at: z.string(),
      updated_at: z.string(),
    })
    .openapi(name);

const resources = { coins: z.number().int(), wood: z.number().int(), stone: z.number().int() };
export const CitySchema = saveOf(
  z.object({
    ...resources,
    buildings: z.array(z.object({ type: z.enum(BUILDING_TYPE_NAMES), x: z.number().int(), y: z.number().int() })),
    collected_at: z.string(),
  }),
  "RoadCity",
);
export const CharacterSchema = saveOf(
  z.object({
    energy: z.number().int(),
    health: z.number().int(),
    happiness: z.number().int(),
    skill: z.number().int(),
    money: z.number().int(),
    day: z.number().int(),
  }),
  "RoadLifeCharacter",
);
export const WorldSchema = saveOf(
  z.object({ blocks: z.record(z.string(), z.enum(BLOCK_TYPES)).openapi({ description: 'Blocks by "x,y,z"' }) }),
  "RoadCraftWorld",
);

const cell = (max: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(max - 1);
export const BuildBody = z
  .strictObject({ type: z.enum(BUILDING_TYPE_NAMES), x: cell(CITY_SIZE), y: cell(CITY_SIZE) })
  .openapi("RoadCityBuild");
export const ActionBody = z.strictObject({ action: z.enum(ACTION_NAMES) }).openapi("RoadLifeAction");
export const BlockBody = z
  .strictObject({ x: cell(WORLD.x), y: cell(WORLD.y), z: cell(WORLD.z), type: z.enum(BLOCK_TYPES) })
  .openapi("RoadCraftBlock");

export const CollectSchema = z.object({ hours: z.number().int(), city: CitySchema }).openapi("RoadCityCollection");

export const BuildingTypeSchema = z
  .object({
    type: z.string(),
    cost: z.object(resources),
    width: z.number().int(),
    height: z.number().int(),
    population: z.number().int(),
    produces_per_hour: z.object({ coins: z.number().int(), wood: z.number().int(), stone: z.number().int() }).partial(),
  })
  .openapi("RoadCityBuildingType");
export const LifeActionSchema = z
  .object({ action: z.string(), effects: z.record(z.string(), z.number().int()) })
  .openapi("RoadLifeActionType");
export const BlockTypesSchema = z
  .object({
    types: z.array(z.string()),
    world: z.object({ x: z.number().int(), y: z.number().int(), z: z.number().int() }),
  })
  .openapi("RoadCraftBlockTypes");

export const GameParams = z.object({ game: z.enum(GAMES).openapi({ param: { name: "game", in: "path" } }) });
export const LeaderboardQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
export const LeaderboardSchema = z
  .object({
    game: z.enum(GAMES),
    entries: z.array(
      z.object({ rank: z.number().int(), username: z.string(), score: z.number().int(), save: z.string() }),
    ),
  })
  .openapi("GameLeaderboard");
export const StatsSchema = z
  .array(z.object({ game: z.enum(GAMES), saves: z.number().int(), best_score: z.number().int() }))
  .openapi("GameStats");
