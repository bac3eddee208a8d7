// The chain verifier Durable Object's RPC surface (chain-verifier.ts): one object per chain. It keeps
// the verified checkpoints GET /verify builds on, and runs the full verification job in chunks.
// Services and routes import this module, never the class.
import type { Checkpoint } from "../services/chain/verify-incremental.ts";
import type { FullPassProgress } from "../services/chain/verify-job.ts";

export type VerifierStatus = {
  checkpoints: Checkpoint[];
  /** The last full pass that finished (its head, when, and whether the chain was valid). */
  last_full_pass: { job_id: number; height: number; valid: boolean; finished_at: number } | null;
  /** The full pass in progress, if any. */
  running: { job_id: number; progress: FullPassProgress } | null;
};

export interface ChainVerifierRpc {
  latest(chain: string): Promise<Checkpoint | null>;
  extend(chain: string, base: Checkpoint | null, point: Omit<Checkpoint, "verified_at">): Promise<boolean>;
  dropFrom(chain: string, height: number): Promise<void>;
  /** Starts the full pass of (queued) Prism job `jobId`; its first chunk runs on an alarm at once. */
  startFullPass(chain: string, jobId: number): Promise<void>;
  status(chain: string): Promise<VerifierStatus>;
}

export type ChainVerifierNamespace = DurableObjectNamespace<ChainVerifierRpc & Rpc.DurableObjectBranded>;
export type ChainVerifierStub = DurableObjectStub<ChainVerifierRpc & Rpc.DurableObjectBranded>;

export const chainVerifierStub = (ns: ChainVerifierNamespace, chain: string): ChainVerifierStub => ns.getByName(chain);
