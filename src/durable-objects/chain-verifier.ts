import { DurableObject } from "cloudflare:workers";
import { type AppConfig, loadConfig } from "../config.ts";
import { openDatabase } from "../lib/db.ts";
import { blockPage, transactionsOfBlocks } from "../services/chain/reads.ts";
import type { Checkpoint } from "../services/chain/verify-incremental.ts";
import {
  type FullPassState,
  finishFullPass,
  isFinished,
  progressOf,
  runChunk,
  startFullPass,
} from "../services/chain/verify-job.ts";
import { countVerification, finishJob, markJobRunning, recordJobProgress } from "../services/prism/jobs.ts";
import type { ChainVerifierRpc, VerifierStatus } from "./chain-verifier.contract.ts";
import { roadChainStub } from "./roadchain.contract.ts";

/** Checkpoints kept (the newest); older ones only matter after a problem drops the newer ones. */
const MAX_CHECKPOINTS = 64;
/** A chunk that fails (database down) is retried this many times, backing off, before the job fails. */
const MAX_CHUNK_FAILURES = 5;

/** The pass in progress. `chunkBlocks` and `pauseMs` (between chunks) let tests drive small chunks one by one. */
type Pass = {
  chain: string;
  jobId: number;
  failures: number;
  state: FullPassState | null;
  chunkBlocks?: number;
  pauseMs?: number;
};
type LastFull = NonNullable<VerifierStatus["last_full_pass"]>;

/**
 * One per chain. Holds the chain's verified checkpoints (verify-incremental.ts) in its own storage,
 * where rewriting database rows cannot reach them, and runs the full verification job: one chunk
 * of CHUNK_BLOCKS per alarm (verify-job.ts), the job's progress written to its Prism row after each
 * chunk, its result and the checkpoints updated at the end. It never appends, so the RoadChain
 * writer is never slowed by verification work.
 */
export class ChainVerifierDO extends DurableObject<Env> implements ChainVerifierRpc {
  async latest(chain: string): Promise<Checkpoint | null> {
    return this.#checkpoints(chain).at(-1) ?? null;
  }

  async extend(chain: string, base: Checkpoint | null, point: Omit<Checkpoint, "verified_at">): Promise<boolean> {
    const list = this.#checkpoints(chain);
    if (base && !list.some((c) => c.height === base.height && c.hash === base.hash)) return false;
    const next = [...list.filter((c) => c.height !== point.height), { ...point, verified_at: Date.now() }]
      .sort((a, b) => a.height - b.height)
      .slice(-MAX_CHECKPOINTS);
    this.ctx.storage.kv.put("checkpoints", next);
    return true;
  }

  async dropFrom(chain: string, height: number): Promise<void> {
    const list = this.#checkpoints(chain);
    this.ctx.storage.kv.put(
      "checkpoints",
      list.filter((c) => c.height < height),
    );
  }

  async startFullPass(chain: string, jobId: number): Promise<void> {
    this.#own(chain);
    this.ctx.storage.kv.put("pass", { chain, jobId, failures: 0, state: null } satisfies Pass);
    await this.ctx.storage.setAlarm(Date.now());
  }

  async status(chain: string): Promise<VerifierStatus> {
    const pass = this.ctx.storage.kv.get<Pass>("pass");
    return {
      checkpoints: this.#checkpoints(chain),
      last_full_pass: this.ctx.storage.kv.get<LastFull>("last_full") ?? null,
      running: pass?.state ? { job_id: pass.jobId, progress: progressOf(pass.state) } : null,
    };
  }

  // ---- alarm: one chunk of the full pass ----

  override async alarm(): Promise<void> {
    const kv = this.ctx.storage.kv;
    const pass = kv.get<Pass>("pass");
    if (!pass) return;
    const config = this.#config();
    const db = await openDatabase(config, this.ctx);
    const ledger = roadChainStub(this.env.ROADCHAIN, pass.chain);
    try {
      let state = pass.state;
      if (!state) {
        if (!(await markJobRunning(db, pass.jobId))) return void kv.delete("pass"); // reaped or taken
        const { head } = await ledger.anchor(pass.chain);
        state = startFullPass(pass.jobId, pass.chain, head);
      }
      const source = {
        blocks: (after: number, upTo: number, limit: number) => blockPage(db, pass.chain, after, upTo, limit),
        transactions: (from: number, to: number) => transactionsOfBlocks(db, pass.chain, from, to),
      };
      state = await runChunk(source, state, { issuance: config, chunkBlocks: pass.chunkBlocks });
      kv.put("pass", { ...pass, failures: 0, state } satisfies Pass);
      if (!isFinished(state)) {
        // A job that is no longer running (reaped, cancelled) stops here.
        if (await recordJobProgress(db, pass.jobId, progressOf(state)))
          await this.ctx.storage.setAlarm(Date.now() + (pass.pauseMs ?? 0));
        else kv.delete("pass");
        return;
      }
      const result = finishFullPass(state, await ledger.anchor(pass.chain));
      this.#settleCheckpoints(pass.chain, result);
      await finishJob(db, pass.jobId, { result, progress: progressOf(state) });
      countVerification(result.valid);
      kv.put("last_full", {
        job_id: pass.jobId,
        height: result.height,
        valid: result.valid,
        finished_at: Date.now(),
      } satisfies LastFull);
      kv.delete("pass");
    } catch (err) {
      const failures = pass.failures + 1;
      console.error(
        JSON.stringify({
          level: "error",
          msg: "full verification chunk failed",
          chain: pass.chain,
          job_id: pass.jobId,
          failures,
          error: err instanceof Error ? err.message.slice(0, 200) : String(err),
        }),
      );
      if (failures >= MAX_CHUNK_FAILURES) {
        kv.delete("pass");
        await finishJob(db, pass.jobId, { error: err }).catch(() => undefined); // else reaped as stale
        return;
      }
      kv.put("pass", { ...pass, failures });
      await this.ctx.storage.setAlarm(Date.now() + 2_000 * failures);
    } finally {
      db.$close();
    }
  }

  /** A clean full pass vouches for the chain up to its head; a problem drops what it contradicts. */
  #settleCheckpoints(chain: string, result: ReturnType<typeof finishFullPass>): void {
    if (result.valid) {
      void this.extend(chain, null, { height: result.height, hash: result.head_hash, by: "job" });
    } else if (result.first_invalid_height !== null) {
      void this.dropFrom(chain, Math.max(0, result.first_invalid_height - 1));
    }
  }

  #checkpoints(chain: string): Checkpoint[] {
    this.#own(chain);
    return this.ctx.storage.kv.get<Checkpoint[]>("checkpoints") ?? [];
  }

  #own(chain: string): void {
    const kv = this.ctx.storage.kv;
    const owner = kv.get<string>("chain");
    if (owner === undefined) kv.put("chain", chain);
    else if (owner !== chain) throw new Error(`this verifier serves chain "${owner}", not "${chain}"`);
  }

  #config(): AppConfig {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) throw new Error(`chain verifier configuration invalid: ${loaded.problems.join("; ")}`);
    return loaded.config;
  }
}
