import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./integrations.handlers.ts";
import * as routes from "./integrations.routes.ts";

const router = createRouter();

// /api/health/all before /api/health/{name}; /api/health/summary belongs to the health router, mounted first.
router.openapi(routes.healthAll, handlers.healthAll as never);
router.openapi(routes.healthOne, handlers.healthOne as never);
for (const { connector, status, health } of routes.statusRoutes) {
  router.openapi(status, handlers.statusHandler(connector) as never);
  router.openapi(health, handlers.healthHandler(connector) as never);
}
for (const { connector, op, route } of routes.operationRoutes) {
  router.openapi(route, handlers.operationHandler(connector, op) as never);
}

export default router;
