/**
 * The cognition Workflow (Cloudflare Workflows; wrangler.toml [[workflows]] COGNITION_WORKFLOW).
 *
 * Every agent call is one `step.do`: retried with exponential backoff when it fails (provider
 * errors, timeouts, the database), and — being a durable step — never run again once it
 * succeeded, across isolate restarts. Each attempt is recorded in `workflow_steps` (the trace).
 *
 * Cancelling is cooperative: the API marks the row cancelled, and every agent step checks the row
 * before calling the model, so nothing runs after the cancel except an agent call already in
 * flight (bounded by the provider timeout), whose result is kept in the trace but not used. The
 * instance is not terminate()d: in the local Workflows engine (vitest plugin), terminating an
 * instance while one of its steps is running froze the isolate (observed), and the row is what
 * the API reports anyway.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { type AppConfig, loadConfig } from "../config.ts";
import { type Database, openDatabase } from "../lib/db.ts";
import { ApiError } from "../lib/errors.ts";
import { redisClient } from "../lib/redis.ts";
import { invalidateCache } from "../lib/response-cache.ts";
import { recordEventLater } from "../services/audit.ts";
import * as plans from "../services/cognition/plans.ts";
import * as store from "../services/cognition/store.ts";
import { AGENT_STEP, type CognitionParams } from "./cognition.contract.ts";

const BOOKKEEPING: WorkflowStepConfig = { retries: { limit: 5, delay: "1 second", backoff: "exponential" } };

/** An agent step's result; `stop` when the workflow must not go on (cancelled, or a failure no retry fixes). */
type StepResult = { output: string; stop?: { cancelled: boolean; reason: string } };

/** Ends the run without another step: the workflow was cancelled, or cannot succeed. */
class Stopped extends Error {
  override name = "Stopped";
  constructor(
    readonly cancelled: boolean,
    reason: string,
  ) {
    super(reason);
  }
}
type RunResult = { output: string; cancelled: boolean };

export class CognitionWorkflow extends WorkflowEntrypoint<Env, CognitionParams> {
  override async run(event: WorkflowEvent<CognitionParams>, step: WorkflowStep): Promise<RunResult> {
    const p = event.payload;
    try {
      const memory = await step.do("start", BOOKKEEPING, async () => {
        const db = await this.db();
        await store.markRunning(db, p.workflowId);
        return { value: p.memoryKey ? ((await store.recall(db, p.userId, p.memoryKey)) ?? null) : null };
      });
      const output = await this.perform(p, step, memory.value ?? undefined);
      await step.do("finish", BOOKKEEPING, async () => {
        await store.completeWorkflow(await this.db(), p.workflowId, output);
        return { ok: true };
      });
      return { output, cancelled: false };
    } catch (err) {
      if (err instanceof Stopped && err.cancelled) return { output: "", cancelled: true };
      // Not a step: after a step failed for good the engine runs no further steps (observed
      // locally). Idempotent: only an active row becomes failed.
      await store.failWorkflow(await this.db(), p.workflowId, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private async perform(p: CognitionParams, step: WorkflowStep, memory: string | undefined): Promise<string> {
    const call = async (name: string, position: number, agent: string, input: string) => {
      const r = await step.do(name, AGENT_STEP, () => this.agentStep(p, { name, position, agent, input }));
      if (r.stop) throw new Stopped(r.stop.cancelled, r.stop.reason);
      return r;
    };

    switch (p.kind) {
      case "sequential": {
        let previous: string | undefined;
        const results = [];
        for (const [i, t] of (p.tasks ?? []).entries()) {
          const input = i === 0 ? plans.withMemory(t.input, memory) : plans.chained(t.input, previous);
          previous = (await call(`${i + 1}. ${t.agent}`, i + 1, t.agent, input)).output;
          results.push({ agent: t.agent, output: previous });
        }
        return previous ?? "";
      }
      case "parallel": {
        const results = await Promise.all(
          (p.tasks ?? []).map((t, i) =>
            call(`${i + 1}. ${t.agent}`, i + 1, t.agent, plans.withMemory(t.input, memory)),
          ),
        );
        return plans.combined(results.map((r, i) => ({ agent: p.tasks![i]!.agent, output: r.output })));
      }
      case "planner": {
        const goal = p.goal ?? "";
        const plan = await call("plan", 0, "planner", plans.withMemory(goal, memory));
        const tasks = plans.parsePlan(plan.output, goal);
        const worker = p.agent ?? "cece";
        const done = await Promise.all(
          tasks.map((t, i) => call(`sub-task ${i + 1}`, i + 1, worker, plans.subTaskInput(goal, t))),
        );
        const results = done.map((r, i) => ({ task: tasks[i]!, output: r.output }));
        return (await call("synthesise", tasks.length + 1, worker, plans.synthesisInput(goal, results))).output;
      }
      case "cece": {
        const earlier: Record<string, string> = {};
        for (const [i, stage] of plans.CECE_STAGES.entries()) {
          const input = plans.ceceInput(stage, plans.withMemory(p.goal ?? "", i === 0 ? memory : undefined), earlier);
          earlier[stage] = (await call(stage, i + 1, "cece", input)).output;
        }
        return earlier.answer ?? "";
      }
    }
  }

  /** One attempt of one agent call, recorded in the trace. */
  private async agentStep(
    p: CognitionParams,
    s: { name: string; position: number; agent: string; input: string },
  ): Promise<StepResult> {
    const config = this.config();
    const db = await this.db(config);
    if ((await store.statusOf(db, p.workflowId)) === "cancelled") {
      return { output: "", stop: { cancelled: true, reason: "the workflow was cancelled" } };
    }
    await store.beginStep(db, { workflowId: p.workflowId, ...s });
    const started = Date.now();
    try {
      // Imported here, not at the top: agents/run.ts brings the full zod build (tool arguments),
      // which the module every isolate evaluates at start-up should not carry.
      const { runToEnd } = await import("../services/agents/run.ts");
      const run = await runToEnd(
        {
          db,
          fetch: (input, init) => fetch(input, init),
          config,
          chain: p.chain,
          audit: (e) => recordEventLater(db, e, (w) => this.ctx.waitUntil(w)),
          invalidate: (tags) => invalidateCache(redisClient(config), tags),
        },
        p.userId,
        s.agent,
        s.input,
      );
      await store.endStep(db, p.workflowId, s.name, {
        ok: true,
        output: run.output ?? "",
        runId: run.id,
        promptTokens: run.promptTokens,
        completionTokens: run.completionTokens,
        ms: Date.now() - started,
      });
      return { output: run.output ?? "" };
    } catch (err) {
      const message = err instanceof ApiError ? err.detail : err instanceof Error ? err.message : String(err);
      await store.endStep(db, p.workflowId, s.name, { ok: false, error: message, ms: Date.now() - started });
      // What no retry can fix (an agent that does not exist, no provider configured) stops the workflow.
      if (err instanceof ApiError && (err.status === 404 || (err.status === 503 && err.code === "ai-not-configured"))) {
        return { output: "", stop: { cancelled: false, reason: message } };
      }
      throw new Error(message);
    }
  }

  private config(): AppConfig {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) throw new NonRetryableError(`invalid configuration: ${loaded.problems.join("; ")}`);
    return loaded.config;
  }

  private db(config = this.config()): Promise<Database> {
    return openDatabase(config, this.ctx);
  }
}
