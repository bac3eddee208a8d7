// Inside vitest's workerd pool a dynamic import() is I/O (the module runner fetches the module from
// vite), done in the context of the request that asked first. A second request waiting on that load
// would be waiting on another request's I/O, which workerd cancels as "hung". A deployed bundle
// loads the modules without I/O (they are in the bundle), so the tests load them once up front;
// the lazy app still builds its apps per set of modules on first use, as in production.
import { FAMILY_NAMES, ROUTE_FAMILIES } from "../../src/routes/route-families.ts";

for (const name of FAMILY_NAMES) await ROUTE_FAMILIES[name].load();
