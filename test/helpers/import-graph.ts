// The import graph of src/, read from the source text (static imports, re-exports, and
// `import("…")` type references), and the layer rules of docs/architecture.md checked over it.
// Used by test/node/import-rules.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";

/** file (repository path, e.g. "src/routes/x/x.handlers.ts") → the specifiers it imports. */
export type ImportGraph = Map<string, string[]>;

const STATIC = /^\s*(?:import|export)\b(?:[^"';]|\n)*?\bfrom\s*["']([^"']+)["']/gm;
const BARE = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

export function importsOf(source: string): string[] {
  const found = new Set<string>();
  for (const re of [STATIC, BARE, DYNAMIC]) for (const m of source.matchAll(re)) found.add(m[1]!);
  return [...found];
}

export function readGraph(repo: string, dir = "src"): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const entry of readdirSync(join(repo, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const path = relative(repo, join(entry.parentPath, entry.name)).split("\\").join("/");
    graph.set(path, importsOf(readFileSync(join(repo, path), "utf8")));
  }
  return graph;
}

/** A relative specifier as a repository path; a package name as itself. */
export function resolveSpecifier(from: string, specifier: string): string {
  return specifier.startsWith(".") ? posix.normalize(posix.join(dirname(from), specifier)) : specifier;
}

type Rule = { name: string; applies: (file: string) => boolean; forbidden: (target: string) => boolean };

const isPackage = (t: string, ...names: string[]) => names.some((n) => t === n || t.startsWith(`${n}/`));
/** A Durable Object class file (its contract module, *.contract.ts, is what others import). */
const isDurableObjectClass = (t: string) => t.startsWith("src/durable-objects/") && !t.endsWith(".contract.ts");

export const RULES: Rule[] = [
  {
    name: "services never import Hono, routes, middleware or Durable Object classes",
    applies: (f) => f.startsWith("src/services/"),
    forbidden: (t) =>
      isPackage(t, "hono", "@hono/zod-openapi") ||
      t.startsWith("src/routes/") ||
      t.startsWith("src/middleware/") ||
      isDurableObjectClass(t),
  },
  {
    name: "routes never import drizzle, the database schema or Durable Object classes (only their contracts)",
    applies: (f) => f.startsWith("src/routes/"),
    forbidden: (t) => isPackage(t, "drizzle-orm") || t.startsWith("src/db/") || isDurableObjectClass(t),
  },
  {
    name: "lib/ imports no services, routes or middleware",
    applies: (f) => f.startsWith("src/lib/"),
    forbidden: (t) => t.startsWith("src/services/") || t.startsWith("src/routes/") || t.startsWith("src/middleware/"),
  },
  {
    name: "outside durable-objects/, only the Worker's entry point imports a Durable Object class (others import its contract)",
    applies: (f) => f !== "src/index.ts" && !f.startsWith("src/durable-objects/"),
    forbidden: isDurableObjectClass,
  },
  {
    // Route modules load on first use (docs/architecture.md, "A request's path"): any other import
    // of a router would evaluate it, and everything it imports, at every isolate's start-up.
    name: "only src/routes/route-families.ts imports a route module's router (*.index.ts)",
    applies: (f) => f !== "src/routes/route-families.ts",
    forbidden: (t) => /^src\/routes\/[^/]+\/[^/]+\.index\.ts$/.test(t) && t !== "src/routes/docs/docs.index.ts",
  },
];

/** Every import that breaks a rule, as "file → target (rule)". */
export function violations(graph: ImportGraph, rules = RULES): string[] {
  const out: string[] = [];
  for (const [file, specifiers] of graph) {
    for (const specifier of specifiers) {
      const target = resolveSpecifier(file, specifier);
      for (const rule of rules) {
        if (rule.applies(file) && rule.forbidden(target)) out.push(`${file} → ${specifier} (${rule.name})`);
      }
    }
  }
  return out;
}

/** Import cycles among the graph's own files (each reported once, as a path that closes on itself). */
export function cycles(graph: ImportGraph): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const specifier of graph.get(file) ?? []) {
      const target = resolveSpecifier(file, specifier);
      if (!graph.has(target)) continue;
      if (state.get(target) === "open") found.push([...stack.slice(stack.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}
