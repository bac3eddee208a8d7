/** Runs `npm run ops -- <args>` as a child process: exit code, stdout, stderr, and stdout parsed for --json. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../scripts/ops/manifest.ts";

export type OpsRun = { code: number; stdout: string; stderr: string; json: any };

export function ops(args: string[], env: Record<string, string> = {}): Promise<OpsRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, "scripts/ops/cli.ts"), ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const json: unknown = args.includes("--json") ? JSON.parse(stdout) : undefined;
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
      },
    );
  });
}
