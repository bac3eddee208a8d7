/**
 * `npm run dev`'s checks before it starts anything: the Worker's configuration, validated with the
 * Worker's own schema (src/config.ts) exactly as wrangler dev will hand it over (wrangler.toml [vars]
 * overlaid by the vars file), and the ports it is about to listen on. Each problem is named with
 * what to change, instead of a Worker that answers every request with a 500 or a raw EADDRINUSE.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadConfig } from "../../src/config.ts";

/** `KEY = "value"` lines of wrangler.toml's top-level [vars] table (all this project puts there). */
export function wranglerVars(tomlText: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let inVars = false;
  for (const line of tomlText.split("\n")) {
    const table = /^\s*\[+([^\]]+)\]+\s*(#.*)?$/.exec(line);
    if (table) {
      inVars = table[1]!.trim() === "vars";
      continue;
    }
    const m = inVars && /^\s*([A-Za-z0-9_]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(line);
    if (m) vars[m[1]!] = m[2]!.replace(/\\(.)/g, "$1");
  }
  return vars;
}

/** What the Worker's config schema says about these bindings: [] when it would start. */
export function configProblems(
  wranglerToml: string,
  devVars: Map<string, string>,
  overrides: Record<string, string> = {},
): string[] {
  const env = { ...wranglerVars(readFileSync(wranglerToml, "utf8")), ...Object.fromEntries(devVars), ...overrides };
  const result = loadConfig(env);
  return result.ok ? [] : result.problems;
}

export type PortUse = { port: number; service: string; envVar: string };

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** One line per port already taken, naming the service that wanted it and the variable that moves it. */
export async function portProblems(uses: PortUse[]): Promise<string[]> {
  const taken = await Promise.all(uses.map(async (u) => ((await portFree(u.port)) ? null : u)));
  return taken
    .filter((u): u is PortUse => u !== null)
    .map(
      (u) =>
        `port ${u.port} (${u.service}) is already in use: stop what holds it, or choose another with ${u.envVar}=<port> npm run dev`,
    );
}
