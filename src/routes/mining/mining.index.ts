import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./mining.handlers.ts";
import * as routes from "./mining.routes.ts";

/** Mining by the miner: a template out, a nonce in (services/chain/mining-template.ts). */
export default createRouter().openapi(routes.template, handlers.template).openapi(routes.submit, handlers.submit);
