import { z } from "@hono/zod-openapi";
import floor from "/work/wt/lead/bench/floor-worker.ts";
export const S = z.object({ a: z.string() });
export default floor;
