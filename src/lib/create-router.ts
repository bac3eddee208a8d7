import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../types.ts";
import { validationHook } from "./errors.ts";

/** Every router validates with the same hook, so every validation failure is the same 422 problem. */
export function createRouter() {
  return new OpenAPIHono<AppBindings>({ strict: false, defaultHook: validationHook });
}
