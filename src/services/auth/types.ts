import type { AppConfig } from "../../config.ts";
import type { Database } from "../../lib/db.ts";
import type { Redis } from "../../lib/redis.ts";
import type { WaitUntil } from "../audit.ts";

/** What the auth services need; handlers build it from the request (see routes/auth). */
export type AuthDeps = {
  db: Database;
  redis: Redis;
  config: AppConfig;
  /** Background work after the response (audit rows): `c.executionCtx.waitUntil`. */
  waitUntil: WaitUntil;
  client: ClientMeta;
};

export type ClientMeta = { ip: string | null; userAgent: string | null };

export type TokenPair = {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  /** Seconds until the access token expires. */
  expires_in: number;
};
