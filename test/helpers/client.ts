import { hc } from "hono/client";
import type { AppType } from "../../src/app.ts";
import { BASE, checkedFetch } from "./api.ts";

/**
 * The API as a typed client sees it: `hc<AppType>` from hono/client over the Worker's own fetch,
 * every response checked against the OpenAPI document. The helpers that register, log in, mine and
 * transfer call it, so a change to one of those routes' types breaks the tests at compile time.
 */
export const client = hc<AppType>(BASE, { fetch: checkedFetch });

/** `Authorization` and any extra headers, as hc takes them per call. */
export const withHeaders = (headers: Record<string, string>) => ({ headers });
