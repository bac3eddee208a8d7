// The Miner Durable Object's `rounds` table (its own SQLite storage): one row per mining round,
// the last KEPT_ROUNDS kept; the current hashrate is measured over the last RECENT_ROUNDS of a run.
import type { RoundResult } from "../services/miner/round.ts";
import { KEPT_ROUNDS, RECENT_ROUNDS } from "../services/miner/settings.ts";

export function ensureRoundsTable(storage: DurableObjectStorage): void {
  storage.sql.exec(`CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    hashes INTEGER NOT NULL,
    submitted INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    height INTEGER,
    error TEXT
  )`);
  storage.sql.exec(`CREATE INDEX IF NOT EXISTS rounds_run_idx ON rounds (run, id)`);
}

/** Records one round of run `run` and drops the oldest beyond KEPT_ROUNDS (call inside the round's storage transaction). */
export function recordRound(storage: DurableObjectStorage, run: number, result: RoundResult): void {
  storage.sql.exec(
    `INSERT INTO rounds (run, started_at, duration_ms, hashes, submitted, accepted, rejected, height, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    run,
    result.startedAt,
    result.durationMs,
    result.hashes,
    result.submitted,
    result.accepted,
    result.rejected,
    result.block?.height ?? null,
    result.error,
  );
  storage.sql.exec(`DELETE FROM rounds WHERE id <= (SELECT max(id) FROM rounds) - ?`, KEPT_ROUNDS);
}

/** Totals of the last RECENT_ROUNDS rounds of run `run`. */
export function recentRounds(
  storage: DurableObjectStorage,
  run: number,
): { rounds: number; hashes: number; ms: number } {
  const [recent] = storage.sql
    .exec<{ n: number; hashes: number | null; ms: number | null }>(
      `SELECT count(*) AS n, sum(hashes) AS hashes, sum(duration_ms) AS ms
         FROM (SELECT hashes, duration_ms FROM rounds WHERE run = ? ORDER BY id DESC LIMIT ?)`,
      run,
      RECENT_ROUNDS,
    )
    .toArray();
  return { rounds: recent?.n ?? 0, hashes: recent?.hashes ?? 0, ms: recent?.ms ?? 0 };
}
