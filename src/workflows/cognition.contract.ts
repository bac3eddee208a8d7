/**
 * The contract of the cognition Workflow (src/workflows/cognition.ts): its parameters, and the only
 * ways routes start and stop an instance. The instance id is the workflow row's id.
 */
import type { WorkflowStepConfig } from "cloudflare:workers";
import type { WorkflowKind } from "../services/cognition/store.ts";

/** Each agent call: 3 retries (4 tries), 2 s then 4 s then 8 s apart, 3 minutes per try. */
export const AGENT_STEP: WorkflowStepConfig = {
  retries: { limit: 3, delay: "2 seconds", backoff: "exponential" },
  timeout: "3 minutes",
};

export type CognitionParams = {
  workflowId: string;
  userId: number;
  kind: WorkflowKind;
  /** sequential / parallel: the agents and their inputs. */
  tasks?: Array<{ agent: string; input: string }>;
  /** planner / cece: the goal or request. */
  goal?: string;
  /** planner: the agent that does each sub-task (default cece). */
  agent?: string;
  /** Ledger chain of the caller's request (tools reading the wallet use it). */
  chain: string;
  /** Memory key: its stored value is given to the first step, and the result stored under it. */
  memoryKey?: string;
};

export async function startWorkflow(binding: Workflow<CognitionParams>, params: CognitionParams): Promise<void> {
  await binding.create({ id: params.workflowId, params });
}
