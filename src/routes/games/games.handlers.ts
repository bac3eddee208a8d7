import type { Context } from "hono";
import { getAuth } from "../../middleware/auth.ts";
import * as city from "../../services/games/road-city.ts";
import * as life from "../../services/games/road-life.ts";
import * as craft from "../../services/games/roadcraft.ts";
import * as saves from "../../services/games/saves.ts";
import type { AppBindings, AppRouteHandler } from "../../types.ts";
import type * as routes from "./games.routes.ts";

/**
 * The four save operations of one game; `fresh` is a new save's starting state. Typed on the
 * validated input only: the three games' routes differ just in the state schema, which saves.ts's
 * types pin down, so games.index.ts registers these for each game's routes.
 */
type SaveContext = Context<AppBindings, string, { out: { json: { name: string }; param: { id: number } } }>;

export function saveHandlers<G extends saves.Game>(game: G, fresh: () => saves.GameState[G]) {
  return {
    list: async (c: SaveContext) =>
      c.json((await saves.listSaves(c.var.services.db, getAuth(c).userId, game)).map(saves.saveJson), 200),
    create: async (c: SaveContext) => {
      const save = await saves.createSave(
        c.var.services.db,
        getAuth(c).userId,
        game,
        c.req.valid("json").name,
        fresh(),
      );
      return c.json(saves.saveJson(save), 201);
    },
    get: async (c: SaveContext) =>
      c.json(
        saves.saveJson(await saves.getSave(c.var.services.db, getAuth(c).userId, game, c.req.valid("param").id)),
        200,
      ),
    remove: async (c: SaveContext) => {
      await saves.deleteSave(c.var.services.db, getAuth(c).userId, game, c.req.valid("param").id);
      return c.body(null, 204);
    },
  };
}

export const cities = saveHandlers("road-city", () => city.newCity(new Date()));
export const characters = saveHandlers("road-life", life.newCharacter);
export const worlds = saveHandlers("roadcraft", craft.newWorld);

export const buildingTypes: AppRouteHandler<typeof routes.buildingTypes> = (c) =>
  c.json(
    Object.entries(city.BUILDING_TYPES).map(([type, t]) => ({
      type,
      cost: t.cost,
      width: t.width,
      height: t.height,
      population: t.population,
      produces_per_hour: t.produces,
    })),
    200,
  );

export const build: AppRouteHandler<typeof routes.build> = async (c) => {
  const { type, x, y } = c.req.valid("json");
  const save = await saves.applyMove(c.var.services.db, getAuth(c).userId, "road-city", c.req.valid("param").id, (s) =>
    city.build(s, type, x, y),
  );
  return c.json(saves.saveJson(save), 200);
};

export const collect: AppRouteHandler<typeof routes.collect> = async (c) => {
  let hours = 0;
  const save = await saves.applyMove(
    c.var.services.db,
    getAuth(c).userId,
    "road-city",
    c.req.valid("param").id,
    (s) => {
      const out = city.collect(s, new Date());
      hours = out.hours;
      return { ok: true, state: out.state };
    },
  );
  return c.json({ hours, city: saves.saveJson(save) }, 200);
};

export const lifeActions: AppRouteHandler<typeof routes.lifeActions> = (c) =>
  c.json(
    Object.entries(life.ACTIONS).map(([action, effects]) => ({ action, effects: effects as Record<string, number> })),
    200,
  );

export const act: AppRouteHandler<typeof routes.act> = async (c) => {
  const { action } = c.req.valid("json");
  const save = await saves.applyMove(c.var.services.db, getAuth(c).userId, "road-life", c.req.valid("param").id, (s) =>
    life.act(s, action),
  );
  return c.json(saves.saveJson(save), 200);
};

export const blockTypes: AppRouteHandler<typeof routes.blockTypes> = (c) =>
  c.json({ types: [...craft.BLOCK_TYPES], world: { ...craft.WORLD } }, 200);

export const place: AppRouteHandler<typeof routes.place> = async (c) => {
  const { type, ...pos } = c.req.valid("json");
  const save = await saves.applyMove(c.var.services.db, getAuth(c).userId, "roadcraft", c.req.valid("param").id, (s) =>
    craft.place(s, pos, type),
  );
  return c.json(saves.saveJson(save), 200);
};

export const leaderboard: AppRouteHandler<typeof routes.leaderboard> = async (c) => {
  const { game } = c.req.valid("param");
  return c.json({ game, entries: await saves.leaderboard(c.var.services.db, game, c.req.valid("query").limit) }, 200);
};

export const stats: AppRouteHandler<typeof routes.stats> = async (c) =>
  c.json(await saves.myStats(c.var.services.db, getAuth(c).userId), 200);
