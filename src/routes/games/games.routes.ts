import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import type { Game } from "../../services/games/saves.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./games.schemas.ts";

const { anyone, user } = routeKit(
  "Games",
  "Road City, Road Life and RoadCraft: my saved games with real rules, and leaderboards from real state",
);

/** List, start, read and delete saves of one game: the same four operations for each. */
function saveRoutes<T extends z.ZodType>(game: Game, collection: string, noun: string, schema: T) {
  const base = `/api/games/${game}/${collection}`;
  const id = noun.replace(/\s/g, "");
  const prefix = game
    .split("-")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
  return {
    list: user({
      operationId: `list${prefix}${id}s`,
      method: "get",
      path: base,
      summary: `My ${noun.toLowerCase()}s`,
      responses: { 200: json(z.array(schema), `${noun}s, oldest first`) },
    }),
    create: user({
      operationId: `create${prefix}${id}`,
      method: "post",
      path: base,
      summary: `Start a new ${noun.toLowerCase()} (at most 5)`,
      request: jsonBody(s.NewSaveBody),
      responses: { 201: json(schema, `The new ${noun.toLowerCase()}`), ...problemResponses(409, 413, 415, 422) },
    }),
    get: user({
      operationId: `get${prefix}${id}`,
      method: "get",
      path: `${base}/{id}`,
      summary: `One of my ${noun.toLowerCase()}s`,
      request: { params: s.IdParams },
      responses: { 200: json(schema, noun), ...problemResponses(404, 422) },
    }),
    remove: user({
      operationId: `delete${prefix}${id}`,
      method: "delete",
      path: `${base}/{id}`,
      summary: `Delete one of my ${noun.toLowerCase()}s`,
      request: { params: s.IdParams },
      responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
    }),
  };
}

export const cities = saveRoutes("road-city", "cities", "City", s.CitySchema);
export const characters = saveRoutes("road-life", "characters", "Character", s.CharacterSchema);
export const worlds = saveRoutes("roadcraft", "worlds", "World", s.WorldSchema);

export const buildingTypes = anyone({
  operationId: "listRoadCityBuildingTypes",
  method: "get",
  path: "/api/games/road-city/building-types",
  summary: "What each building costs, its size, population and production",
  responses: { 200: json(z.array(s.BuildingTypeSchema), "Building types") },
});

export const build = user({
  operationId: "buildInRoadCity",
  method: "post",
  path: "/api/games/road-city/cities/{id}/build",
  summary: "Build on free tiles, paying its cost (taken tiles, the map's edge or too few resources: 409)",
  request: { params: s.IdParams, ...jsonBody(s.BuildBody) },
  responses: { 200: json(s.CitySchema, "The city"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const collect = user({
  operationId: "collectRoadCity",
  method: "post",
  path: "/api/games/road-city/cities/{id}/collect",
  summary: "Collect what the buildings produced since the last collection (whole hours, at most 24)",
  request: { params: s.IdParams },
  responses: { 200: json(s.CollectSchema, "Hours collected and the city"), ...problemResponses(404, 409, 422) },
});

export const lifeActions = anyone({
  operationId: "listRoadLifeActions",
  method: "get",
  path: "/api/games/road-life/actions",
  summary: "What each action does to a character's stats",
  responses: { 200: json(z.array(s.LifeActionSchema), "Actions") },
});

export const act = user({
  operationId: "actInRoadLife",
  method: "post",
  path: "/api/games/road-life/characters/{id}/actions",
  summary: "Take an action (stats stay within 0–100; too little energy or money: 409)",
  request: { params: s.IdParams, ...jsonBody(s.ActionBody) },
  responses: { 200: json(s.CharacterSchema, "The character"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const blockTypes = anyone({
  operationId: "listRoadCraftBlockTypes",
  method: "get",
  path: "/api/games/roadcraft/blocks",
  summary: "Block types and the world's size",
  responses: { 200: json(s.BlockTypesSchema, "Block types") },
});

export const place = user({
  operationId: "placeRoadCraftBlock",
  method: "post",
  path: "/api/games/roadcraft/worlds/{id}/blocks",
  summary: "Place a block (on the ground or on another block) or remove one with `air`; other moves 409",
  request: { params: s.IdParams, ...jsonBody(s.BlockBody) },
  responses: { 200: json(s.WorldSchema, "The world"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const leaderboard = user({
  operationId: "getGameLeaderboard",
  method: "get",
  path: "/api/games/leaderboard/{game}",
  summary: "Each player's best save of a game, highest score first",
  request: { params: s.GameParams, query: s.LeaderboardQuery },
  responses: { 200: json(s.LeaderboardSchema, "The leaderboard"), ...problemResponses(422) },
});

export const stats = user({
  operationId: "getMyGameStats",
  method: "get",
  path: "/api/games/stats",
  summary: "My saves and best score per game",
  responses: { 200: json(s.StatsSchema, "Per game") },
});
