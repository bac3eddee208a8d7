import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./games.handlers.ts";
import * as routes from "./games.routes.ts";

// The fixed paths (building-types, actions, blocks, leaderboard, stats) never meet an `{id}` route:
// saves live one level down (/cities/{id}), unlike the original, where `{id}` shadowed them (422).
const router = createRouter()
  .openapi(routes.buildingTypes, handlers.buildingTypes)
  .openapi(routes.build, handlers.build)
  .openapi(routes.collect, handlers.collect)
  .openapi(routes.lifeActions, handlers.lifeActions)
  .openapi(routes.act, handlers.act)
  .openapi(routes.blockTypes, handlers.blockTypes)
  .openapi(routes.place, handlers.place)
  .openapi(routes.leaderboard, handlers.leaderboard)
  .openapi(routes.stats, handlers.stats);
const saveOperations = [
  [routes.cities, handlers.cities],
  [routes.characters, handlers.characters],
  [routes.worlds, handlers.worlds],
] as const;
for (const [r, h] of saveOperations) {
  router
    .openapi(r.list, h.list as never)
    .openapi(r.create, h.create as never)
    .openapi(r.get, h.get as never)
    .openapi(r.remove, h.remove as never);
}

export default router;
