/**
 * The OpenAPI document as independent tools see it: built the way CI and the example client build it
 * (scripts/openapi/build.ts), validated against the OpenAPI 3.1 JSON Schema by
 * @seriousme/openapi-schema-validator, linted by Redocly with the recommended ruleset (redocly.yaml;
 * accepted findings in .redocly.lint-ignore.yaml), and compared with the last release's snapshot:
 * a breaking change fails unless docs/api-changelog.md names it (docs/api-versioning.md).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../scripts/openapi/build.ts";
import { diffDocuments } from "../../scripts/openapi/diff.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
type Doc = {
  tags: Array<{ name: string; description?: string }>;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        description?: string;
        tags?: string[];
        security?: unknown[];
        responses: Record<
          string,
          { headers?: Record<string, unknown>; content?: Record<string, { example?: { status?: number } }> }
        >;
      }
    >
  >;
};
let doc: Doc;

beforeAll(async () => {
  doc = (await buildOpenApiDocument()) as Doc;
  mkdirSync(join(root, "dist"), { recursive: true });
  writeFileSync(join(root, "dist/openapi.json"), JSON.stringify(doc, null, 2));
}, 120_000);

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 for an independent validator", async () => {
    const result = await new Validator().validate(structuredClone(doc) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("gives every named schema its own component name (a second one with the same name would silently replace the first)", () => {
    const files = execFileSync("git", ["ls-files", "src"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter((f) => f.endsWith(".ts"));
    const owners = new Map<string, string[]>();
    for (const file of files) {
      for (const m of readFileSync(join(root, file), "utf8").matchAll(/\.openapi\(\s*"([A-Za-z0-9_]+)"/g)) {
        owners.set(m[1]!, [...(owners.get(m[1]!) ?? []), file]);
      }
    }
    expect(owners.size).toBeGreaterThan(20);
    expect([...owners].filter(([, where]) => where.length > 1)).toEqual([]);
  });

  it("passes Redocly's recommended ruleset with no error and no warning", async () => {
    const { stdout, stderr } = await run(join(root, "node_modules/.bin/redocly"), ["lint", "--format=stylish"], {
      cwd: root,
    }).catch((err: { stdout: string; stderr: string }) => err);
    const out = stdout + stderr;
    expect(out).toContain("Your API description is valid");
    expect(out).not.toMatch(/\b(warning|error)\b\s+[a-z0-9-]+\s/);
  }, 120_000);

  it("names every operation once, tags it with a described tag, and declares what every route can answer", () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.length).toBeGreaterThan(80);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const described = new Set(doc.tags.filter((t) => t.description).map((t) => t.name));
    for (const { path, method, op } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      expect(op.tags?.length, name).toBe(1);
      expect(described.has(op.tags![0]!), `${name}: tag ${op.tags![0]} is described`).toBe(true);
      expect(Array.isArray(op.security), `${name}: security is explicit`).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.headers, `${name} ${status}: X-Request-Id declared`).toHaveProperty("X-Request-Id");
      }
      if (path.startsWith("/api/")) {
        expect(op.responses, `${name}: 429 declared`).toHaveProperty("429");
        expect(op.responses["429"]!.headers, `${name}: Retry-After on 429`).toHaveProperty("Retry-After");
      }
    }
  });

  it("describes every operation with who may call it, and gives each problem status an example of its own", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.description, `${method} ${path}`).toMatch(/\*\*Access:\*\* \S/);
        for (const [status, response] of Object.entries(op.responses)) {
          const problem = response.content?.["application/problem+json"];
          if (problem) expect(problem.example?.status, `${method} ${path} ${status}`).toBe(Number(status));
        }
      }
    }
  });

  it("has no breaking change since the last release that docs/api-changelog.md does not name", () => {
    const snapshot = JSON.parse(readFileSync(join(root, "docs/openapi.snapshot.json"), "utf8"));
    const changelog = readFileSync(join(root, "docs/api-changelog.md"), "utf8");
    const unacknowledged = diffDocuments(snapshot, doc)
      .filter((c) => c.breaking && !changelog.includes(c.text))
      .map((c) => c.text);
    expect(unacknowledged, "breaking changes: keep the old contract, or name each in docs/api-changelog.md").toEqual(
      [],
    );
  });
});

describe("scripts/openapi/diff.ts", () => {
  it("names removed operations and fields, new required input and narrowed types as breaking; additions are not", () => {
    const base = JSON.parse(readFileSync(join(root, "docs/openapi.snapshot.json"), "utf8"));
    const next = structuredClone(base);
    delete next.paths["/api/blockchain/stats"];
    const balance = next.components.schemas.Balance ?? next.components.schemas.BalanceResponse;
    const [field] = Object.keys(balance?.properties ?? {});
    if (field) delete balance.properties[field];
    next.paths["/api/blockchain/blocks"].get.parameters.push({
      in: "query",
      name: "must",
      required: true,
      schema: { type: "string" },
    });
    next.paths["/api/new-thing"] = { get: { operationId: "newThing", responses: { 200: { description: "ok" } } } };
    const changes = diffDocuments(base, next);
    const breaking = changes.filter((c) => c.breaking).map((c) => c.text);
    expect(breaking).toContain("GET /api/blockchain/stats: operation removed");
    expect(breaking).toContain("GET /api/blockchain/blocks: new required parameter query must");
    if (field) expect(breaking.some((t) => t.includes(`field \`${field}\` removed`))).toBe(true);
    expect(changes.find((c) => c.text === "GET /api/new-thing: operation added")?.breaking).toBe(false);
    expect(diffDocuments(base, base)).toEqual([]);
  });
});
