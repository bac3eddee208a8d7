/**
 * What every ops command returns: an exit code, a JSON value for `--json`, and lines for people.
 * Colour only when stdout is a terminal (and NO_COLOR is unset); never in `--json`.
 */
import picocolors from "picocolors";

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** A check failed: unhealthy, a secret missing, docs stale, the manifest disagrees with the code. */
  failed: 1,
  /** Unknown command, service or environment, or a bad argument. */
  usage: 2,
  /** The deployment did not answer (connection refused, DNS, timeout). */
  unreachable: 3,
} as const;

export type Colors = ReturnType<typeof picocolors.createColors>;

export type Outcome = {
  exitCode: number;
  json: unknown;
  /** Lines for people; receives the colour functions (identity when colour is off). */
  text: (c: Colors) => string[];
};

export class UsageError extends Error {
  readonly valid: string[];
  constructor(message: string, valid: string[] = []) {
    super(valid.length ? `${message} (valid: ${valid.join(", ")})` : message);
    this.valid = valid;
  }
}

export function colorsFor(json: boolean, stream: NodeJS.WriteStream = process.stdout): Colors {
  return picocolors.createColors(!json && Boolean(stream.isTTY) && !process.env.NO_COLOR);
}

export function emit(outcome: Outcome, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(outcome.json, null, 2)}\n`);
  else process.stdout.write(`${outcome.text(colorsFor(false)).join("\n")}\n`);
}

export const header = (c: Colors, title: string) => c.bold(c.cyan(title));
