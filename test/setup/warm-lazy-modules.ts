// Inside vitest's workerd pool a dynamic import() is I/O (the module runner fetches the module from
// vite), done in the context of the request that asked first. A second request waiting on that load
// would be waiting on another request's I/O, which workerd cancels as "hung". A deployed bundle
// loads the modules without I/O (they are in the bundle), so the tests load every module the Worker
// imports lazily once up front (the app, the route modules, the database driver, the agent runner);
// the lazy app still builds its apps per set of modules on first use, as in production.
import { loadDatabaseDriver } from "../../src/lib/db.ts";
import { FAMILY_NAMES, ROUTE_FAMILIES } from "../../src/routes/route-families.ts";

await Promise.all([import("../../src/app.ts"), import("../../src/services/agents/run.ts"), loadDatabaseDriver()]);
for (const name of FAMILY_NAMES) await ROUTE_FAMILIES[name].load();
