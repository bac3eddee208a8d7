import { DurableObject } from "cloudflare:workers";
import { type AppConfig, loadConfig } from "../config.ts";
import { openDatabase } from "../lib/db.ts";
import { redisClient } from "../lib/redis.ts";
import { invalidateCache } from "../lib/response-cache.ts";
import { recordEvent } from "../services/audit.ts";
import { durableObjectLedger } from "../services/chain/chain-writer.ts";
import { DEFAULT_BLOCK_TRANSACTIONS } from "../services/chain/mining.ts";
import { pendingTransactions } from "../services/chain/reads.ts";
import { addRound, neverStartedSnapshot, ZERO_COUNTERS } from "../services/miner/counters.ts";
import { markActive, markInactive } from "../services/miner/registry.ts";
import { type MinedBlock, mineRound, type RoundResult } from "../services/miner/round.ts";
import {
  FIRST_ROUND_MAX_DELAY_MS,
  MAX_CONSECUTIVE_FAILURES,
  MAX_PROPOSALS_PER_ROUND,
  MAX_RUN_MS,
  minerIntervalMs,
  nextRoundDelay,
} from "../services/miner/settings.ts";
import type { ControlOutcome, MinerCounters, MinerRpc, MinerSnapshot, StartInput } from "./miner.contract.ts";
import { ensureRoundsTable, recentRounds, recordRound } from "./miner-rounds.ts";
import { roadChainStub } from "./roadchain.contract.ts";

type MinerState = {
  userId: number;
  chain: string;
  minerAddress: string;
  workerId: string | null;
  status: "running" | "stopped";
  /** Incremented by every start: a round that began under an older run never reschedules. */
  run: number;
  startedAt: number | null;
  stoppedAt: number | null;
  stopReason: string | null;
  firstStartedAt: number;
  nextRoundAt: number | null;
  lastRoundAt: number | null;
  lastBlock: (MinedBlock & { mined_at: number }) | null;
  lastError: { message: string; at: number } | null;
  failures: number;
};

/**
 * One user's miner. While running, an alarm fires every MINER_INTERVAL_MS and runs one round: it
 * mines ONE RoadChain block for the user's wallet through the chain's normal append path (the
 * same `mineBlock` that POST /api/blockchain/blocks uses, proposing to the RoadChain Durable
 * Object), and records the work it did, so hashrate and shares are measured, never invented.
 *
 * Storage (SQLite): `state`, `session` and `lifetime` in the KV API, each round in the `rounds`
 * table (the last KEPT_ROUNDS). Everything a round changes is written in one synchronous storage
 * transaction. Nothing is created in storage until the first start, so reading the status of a
 * user who never mined (the dashboard does) costs no storage.
 *
 * Bounded work per alarm: one block; at most MAX_PROPOSALS_PER_ROUND proof-of-work runs when
 * other blocks keep landing first. Failures back off exponentially; MAX_CONSECUTIVE_FAILURES in
 * a row, or MAX_RUN_MS of running, stop the miner with the reason in its status.
 */
export class MinerDO extends DurableObject<Env> implements MinerRpc {
  /** A round in flight (alarms do not overlap, but a test may force one while another runs). */
  #busy = false;

  // ---- RPC ----

  async status(): Promise<MinerSnapshot> {
    return this.#snapshot();
  }

  async start(input: StartInput): Promise<ControlOutcome> {
    const state = this.#state();
    if (state?.status === "running") return { result: "already-running", snapshot: this.#snapshot() };
    await this.#begin(input, state);
    return { result: "started", snapshot: this.#snapshot() };
  }

  /** Stop (if running) and start again: a fresh session, the wallet and chain re-read from `input`. */
  async restart(input: StartInput): Promise<ControlOutcome> {
    const state = this.#state();
    const wasRunning = state?.status === "running";
    if (wasRunning && state.chain !== input.chain) await this.#forget(state);
    await this.#begin(input, state);
    return { result: wasRunning ? "restarted" : "started", snapshot: this.#snapshot() };
  }

  async stop(): Promise<ControlOutcome> {
    const state = this.#state();
    if (state?.status !== "running") return { result: "not-running", snapshot: this.#snapshot() };
    await this.#halt(state, "Stopped by its owner");
    return { result: "stopped", snapshot: this.#snapshot() };
  }

  // ---- alarm: one mining round ----

  override async alarm(): Promise<void> {
    const state = this.#state();
    if (state?.status !== "running" || this.#busy) return;
    this.#busy = true;
    try {
      await this.#round(state);
    } finally {
      this.#busy = false;
    }
  }

  async #round(state: MinerState): Promise<void> {
    if (state.startedAt !== null && Date.now() - state.startedAt >= MAX_RUN_MS) {
      await this.#halt(
        state,
        `Stopped automatically after ${MAX_RUN_MS / 3_600_000} hours; start it again to continue`,
        true,
      );
      return;
    }
    const config = this.#config();
    const db = await openDatabase(config, this.ctx);
    let result: RoundResult;
    try {
      result = await mineRound(
        {
          // The same writer and pending-transaction source as POST /api/blockchain/blocks.
          writer: durableObjectLedger(roadChainStub(this.env.ROADCHAIN, state.chain), state.chain),
          pending: (limit) => pendingTransactions(db, state.chain, limit),
          difficulty: config.BLOCKCHAIN_DIFFICULTY,
          reward: config.MINING_REWARD,
          maxProposals: MAX_PROPOSALS_PER_ROUND,
        },
        { minerId: state.userId, minerAddress: state.minerAddress, maxTransactions: DEFAULT_BLOCK_TRANSACTIONS },
      );
    } finally {
      db.$close();
    }

    // A stop or restart may have happened while the round ran: the block (if any) is real and is
    // counted in the lifetime totals, but only the run that mined it gets it in its session.
    const now = this.#state() ?? state;
    const sameRun = now.run === state.run;
    const failures = result.error ? now.failures + 1 : 0;
    const interval = minerIntervalMs(this.env);
    const stillRunning = sameRun && now.status === "running";
    const giveUp = stillRunning && failures >= MAX_CONSECUTIVE_FAILURES;
    const nextRoundAt = stillRunning && !giveUp ? Date.now() + nextRoundDelay(interval, failures) : now.nextRoundAt;

    const storage = this.ctx.storage;
    storage.transactionSync(() => {
      recordRound(storage, state.run, result);
      storage.kv.put("lifetime", addRound(storage.kv.get<MinerCounters>("lifetime") ?? ZERO_COUNTERS, result));
      if (sameRun)
        storage.kv.put("session", addRound(storage.kv.get<MinerCounters>("session") ?? ZERO_COUNTERS, result));
      const at = result.startedAt + result.durationMs;
      storage.kv.put("state", {
        ...now,
        lastRoundAt: at,
        lastBlock: result.block ? { ...result.block, mined_at: at } : now.lastBlock,
        lastError: result.error ? { message: result.error, at } : now.lastError,
        failures: sameRun ? failures : now.failures,
        nextRoundAt,
      } satisfies MinerState);
    });

    const redis = redisClient(config);
    const followUps: Promise<unknown>[] = [];
    // A new block changes every chain read and this user's balance: drop the cached views.
    if (result.block) followUps.push(invalidateCache(redis, ["chain"]));
    if (giveUp) {
      await this.#halt(this.#state()!, `Stopped after ${failures} failed rounds in a row: ${result.error}`, true);
    } else if (stillRunning && nextRoundAt !== null) {
      await storage.setAlarm(nextRoundAt);
      followUps.push(
        markActive(redis, state.chain, state.userId, nextRoundAt).catch((err) => logRedis("heartbeat", err)),
      );
    }
    await Promise.all(followUps);
  }

  // ---- internals ----

  async #begin(input: StartInput, previous: MinerState | undefined): Promise<void> {
    const now = Date.now();
    const delay = Math.min(minerIntervalMs(this.env), FIRST_ROUND_MAX_DELAY_MS);
    const state: MinerState = {
      userId: input.userId,
      chain: input.chain,
      minerAddress: input.minerAddress,
      workerId: input.workerId,
      status: "running",
      run: (previous?.run ?? 0) + 1,
      startedAt: now,
      stoppedAt: null,
      stopReason: null,
      firstStartedAt: previous?.firstStartedAt ?? now,
      nextRoundAt: now + delay,
      lastRoundAt: previous?.lastRoundAt ?? null,
      lastBlock: previous?.lastBlock ?? null,
      lastError: null,
      failures: 0,
    };
    const storage = this.ctx.storage;
    storage.transactionSync(() => {
      ensureRoundsTable(storage);
      storage.kv.put("state", state);
      storage.kv.put("session", ZERO_COUNTERS);
    });
    await storage.setAlarm(state.nextRoundAt!);
    await markActive(redisClient(this.#config()), state.chain, state.userId, state.nextRoundAt!).catch((err) =>
      logRedis("start", err),
    );
  }

  /** Stops the miner; `automatic` stops are recorded in the audit log (the owner did not ask). */
  async #halt(state: MinerState, reason: string, automatic = false): Promise<void> {
    const now = Date.now();
    this.ctx.storage.kv.put("state", {
      ...state,
      status: "stopped",
      stoppedAt: now,
      stopReason: reason,
      nextRoundAt: null,
    } satisfies MinerState);
    await this.ctx.storage.deleteAlarm();
    await this.#forget(state);
    if (automatic) {
      const config = this.#config();
      const db = await openDatabase(config, this.ctx);
      try {
        await Promise.all([
          invalidateCache(redisClient(config), [`miner:${state.userId}`]),
          recordEvent(db, { type: "miner.auto_stop", userId: state.userId, metadata: { reason, chain: state.chain } }),
        ]);
      } catch (err) {
        console.error(
          JSON.stringify({ level: "error", msg: "miner auto-stop not recorded", error: String(err).slice(0, 200) }),
        );
      } finally {
        db.$close();
      }
    }
  }

  /** Takes this miner out of the pool's active set (best effort: entries also expire by themselves). */
  async #forget(state: MinerState): Promise<void> {
    await markInactive(redisClient(this.#config()), state.chain, state.userId).catch((err) => logRedis("stop", err));
  }

  #state(): MinerState | undefined {
    return this.ctx.storage.kv.get<MinerState>("state");
  }

  #snapshot(): MinerSnapshot {
    const kv = this.ctx.storage.kv;
    const state = this.#state();
    const interval = minerIntervalMs(this.env);
    if (!state) return neverStartedSnapshot(interval);
    return {
      status: state.status,
      chain: state.chain,
      worker_id: state.workerId,
      started_at: state.startedAt,
      stopped_at: state.stoppedAt,
      stop_reason: state.stopReason,
      first_started_at: state.firstStartedAt,
      interval_ms: interval,
      next_round_at: state.nextRoundAt,
      last_round_at: state.lastRoundAt,
      last_block: state.lastBlock,
      last_error: state.lastError,
      consecutive_failures: state.failures,
      session: kv.get<MinerCounters>("session") ?? ZERO_COUNTERS,
      lifetime: kv.get<MinerCounters>("lifetime") ?? ZERO_COUNTERS,
      recent: recentRounds(this.ctx.storage, state.run),
    };
  }

  #config(): AppConfig {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) throw new Error(`Miner configuration invalid: ${loaded.problems.join("; ")}`);
    return loaded.config;
  }
}

function logRedis(op: string, err: unknown) {
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: `miner registry ${op} failed`,
      error: err instanceof Error ? err.message.slice(0, 120) : "unknown",
    }),
  );
}
