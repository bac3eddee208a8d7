// The layer rules of docs/architecture.md, checked over the import graph of src/ so that new
// routers cannot quietly break them: services never import Hono, routes, middleware or Durable
// Object classes; routes never import drizzle, the schema or Durable Object classes (only their
// contracts); lib/ imports no services; and no module imports itself through a cycle.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycles, type ImportGraph, importsOf, RULES, readGraph, violations } from "../helpers/import-graph.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const graph = readGraph(repo);

describe("import rules over src/", () => {
  it("reads the whole tree (a floor, so an empty graph cannot pass)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("src/routes/blockchain/blockchain.handlers.ts")).toContain("../../services/chain/mining.ts");
    expect(graph.get("src/durable-objects/roadchain.ts")).toContain("./roadchain.contract.ts");
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      expect(violations(graph, [rule])).toEqual([]);
    });
  }

  it("no import cycles", () => {
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });
});

describe("the checker catches what it should", () => {
  const fake = (files: Record<string, string>): ImportGraph =>
    new Map(Object.entries(files).map(([f, text]) => [f, importsOf(text)]));

  it("reads static, multi-line, type-only, re-export, side-effect and import() references", () => {
    const text = [
      'import { a } from "./a.ts";',
      "import type {\n  B,\n  C,\n} from '../b.ts';",
      'export { d } from "./d.ts";',
      'import "./side-effect.ts";',
      'type T = import("../durable-objects/x.ts").X;',
      'const s = "not an import from \\"./nope.ts\\"";',
    ].join("\n");
    expect(importsOf(text).sort()).toEqual([
      "../b.ts",
      "../durable-objects/x.ts",
      "./a.ts",
      "./d.ts",
      "./side-effect.ts",
    ]);
  });

  it("flags a router imported outside the route-families table; allows the table and the docs", () => {
    const found = violations(
      fake({
        "src/app.ts":
          'import social from "./routes/social/social.index.ts";\nimport { registerDocs } from "./routes/docs/docs.index.ts";',
        "src/routes/graphql/schema/x.ts": 'import type { T } from "../../social/social.schemas.ts";',
        "src/routes/route-families.ts": 'const load = () => import("./social/social.index.ts");',
      }),
      RULES.filter((r) => r.name.startsWith("only src/routes/route-families.ts")),
    );
    expect(found.map((v) => v.split(" → ")[0])).toEqual(["src/app.ts"]);
  });

  it("flags a service importing Hono, a route, or a Durable Object class; allows its contract", () => {
    const found = violations(
      fake({
        "src/services/x/a.ts": 'import type { Context } from "hono";',
        "src/services/x/b.ts": 'import { h } from "../../routes/y/y.handlers.ts";',
        "src/services/x/c.ts": 'import type { RoadChainDO } from "../../durable-objects/roadchain.ts";',
        "src/services/x/ok.ts": 'import type { AppendResult } from "../../durable-objects/roadchain.contract.ts";',
      }),
    );
    expect(found.map((v) => v.split(" → ")[0])).toEqual([
      "src/services/x/a.ts",
      "src/services/x/b.ts",
      "src/services/x/c.ts",
      "src/services/x/c.ts",
    ]);
  });

  it("flags a route importing drizzle, the schema or a Durable Object class", () => {
    const found = violations(
      fake({
        "src/routes/x/x.handlers.ts":
          'import { eq } from "drizzle-orm";\nimport { users } from "../../db/schema/index.ts";\nimport type { MinerDO } from "../../durable-objects/miner.ts";',
        "src/routes/x/x.schemas.ts": 'import { MESSAGE_ROLES } from "../../lib/constants.ts";',
      }),
    );
    expect(found).toHaveLength(4); // drizzle, schema, and the DO class under two rules
    expect(found.every((v) => v.startsWith("src/routes/x/x.handlers.ts"))).toBe(true);
  });

  it("flags lib/ importing a service", () => {
    expect(violations(fake({ "src/lib/x.ts": 'import { recordEvent } from "../services/audit.ts";' }))).toHaveLength(1);
  });

  it("finds a cycle", () => {
    const g = fake({
      "src/a.ts": 'import "./b.ts";',
      "src/b.ts": 'import { c } from "./c.ts";',
      "src/c.ts": 'import type { A } from "./a.ts";',
    });
    expect(cycles(g)).toEqual([["src/a.ts", "src/b.ts", "src/c.ts", "src/a.ts"]]);
  });
});
