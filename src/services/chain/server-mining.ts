import type { AppConfig } from "../../config.ts";
import type { Database } from "../../lib/db.ts";
import { ApiError } from "../../lib/errors.ts";
import { isActiveAdmin } from "../auth/users.ts";

/**
 * Proof of work run by the server for the caller (POST /api/blockchain/mine and /blocks, the
 * server-side Miner of /api/miner/control) turns our CPU into the caller's coins. It stays only where
 * it is harmless: under ENVIRONMENT=development or test, or for an administrator. Everyone else
 * mines with their own CPU: GET /api/blockchain/mining/template, POST /api/blockchain/mining/submit
 * (what Pocket OS's Miner does in the browser).
 */
export async function assertServerMiningAllowed(
  config: Pick<AppConfig, "ENVIRONMENT">,
  db: Database,
  userId: number,
): Promise<void> {
  if (config.ENVIRONMENT !== "production") return;
  if (await isActiveAdmin(db, userId)) return;
  throw new ApiError(
    403,
    "server-mining-disabled",
    "The server does not mine for you: fetch GET /api/blockchain/mining/template, find the nonce yourself and POST it to /api/blockchain/mining/submit",
  );
}
