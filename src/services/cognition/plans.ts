/**
 * What each kind of workflow asks its agents, as plain functions (the Workflow class only wires
 * them into durable steps): the inputs of sequential steps, the planner's sub-tasks, the cece
 * pipeline's three stages, and how results are combined.
 */
export const MAX_PLANNED_TASKS = 5;
export const MAX_STEP_INPUT_CHARS = 32_000;

const cut = (s: string) => s.slice(0, MAX_STEP_INPUT_CHARS);

/** A sequential step's input: its own task, plus the previous step's result. */
export function chained(task: string, previous: string | undefined): string {
  return cut(previous === undefined ? task : `${task}\n\nResult of the previous step:\n${previous}`);
}

/** Remembered context (memory) in front of the first input, when there is some. */
export function withMemory(input: string, memory: string | undefined): string {
  return cut(memory ? `What you found last time (memory):\n${memory}\n\n${input}` : input);
}

/**
 * The planner agent's answer as sub-tasks: `{"steps": [...]}` (also inside a code fence) or a
 * numbered/bulleted list; at most MAX_PLANNED_TASKS; the goal itself when nothing parses.
 */
export function parsePlan(answer: string, goal: string): string[] {
  const json = /\{[\s\S]*\}/.exec(answer)?.[0];
  if (json) {
    try {
      const steps = (JSON.parse(json) as { steps?: unknown }).steps;
      if (Array.isArray(steps)) {
        const tasks = steps.filter((s): s is string => typeof s === "string" && s.trim() !== "").map((s) => s.trim());
        if (tasks.length) return tasks.slice(0, MAX_PLANNED_TASKS);
      }
    } catch {
      // fall through to the list form
    }
  }
  const listed = answer
    .split("\n")
    .map((l) => /^\s*(?:\d+[.)]|[-*•])\s+(.+)$/.exec(l)?.[1]?.trim())
    .filter((l): l is string => !!l);
  return (listed.length ? listed : [goal]).slice(0, MAX_PLANNED_TASKS);
}

export function subTaskInput(goal: string, task: string): string {
  return cut(`Overall goal: ${goal}\n\nYour part: ${task}`);
}

export function synthesisInput(goal: string, results: Array<{ task: string; output: string }>): string {
  const parts = results.map((r, i) => `## ${i + 1}. ${r.task}\n${r.output}`).join("\n\n");
  return cut(`Combine these results into one answer to the goal "${goal}".\n\n${parts}`);
}

export function combined(results: Array<{ agent: string; output: string }>): string {
  return results.map((r) => `[${r.agent}]\n${r.output}`).join("\n\n");
}

/** The cece pipeline: analyse → plan → answer, each stage seeing the earlier ones. */
export const CECE_STAGES = ["analyse", "plan", "answer"] as const;

export function ceceInput(stage: (typeof CECE_STAGES)[number], input: string, earlier: Record<string, string>) {
  switch (stage) {
    case "analyse":
      return cut(
        `Analyse this request: what is asked, what is known, what is missing, what could go wrong. Do not answer it yet.\n\nRequest: ${input}`,
      );
    case "plan":
      return cut(`Request: ${input}\n\nAnalysis:\n${earlier.analyse}\n\nPlan the answer in a few short steps.`);
    case "answer":
      return cut(
        `Request: ${input}\n\nAnalysis:\n${earlier.analyse}\n\nPlan:\n${earlier.plan}\n\nNow answer the request.`,
      );
  }
}
