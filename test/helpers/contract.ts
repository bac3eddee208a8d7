import { type Schema, Validator } from "@cfworker/json-schema";

/**
 * The contract check every test response goes through (test/helpers/api.ts): the response must be
 * one the OpenAPI document served at /api/openapi.json declares for its operation — status, content
 * type, body (JSON Schema 2020-12, as OpenAPI 3.1 writes it) and the declared required headers — so a
 * route cannot drift from its documentation. @cfworker/json-schema validates without generating
 * code (workerd forbids eval, which ajv needs).
 *
 * Statuses any /api operation can answer without declaring them, always as a problem: 400 (malformed
 * JSON, from Hono), 405 (a path with other methods), 413 and 415 (the body guards in front of every
 * route). Undocumented legacy paths (the `/api/videos` aliases…) are checked against their successor
 * (the `Link: <…>; rel="successor-version"` header they carry).
 */

type Json = any; // the document is plain JSON
type Operation = { path: string; method: string; pattern: RegExp; literalSegments: number; op: Json };
export type Contract = { doc: Json; operations: Operation[]; validators: Map<string, Validator> };

const UNDECLARED_PROBLEMS = new Set([400, 405, 413, 415]);

export function buildContract(doc: Json): Contract {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
      const literalSegments = path.split("/").filter((s) => s && !s.startsWith("{")).length;
      operations.push({ path, method, pattern, literalSegments, op });
    }
  }
  // The most literal path wins (/api/email/inbox before /api/email/{id}), as the router registers them.
  operations.sort((a, b) => b.literalSegments - a.literalSegments);
  return { doc, operations, validators: new Map() };
}

function validator(contract: Contract, key: string, schema: Json): Validator {
  let v = contract.validators.get(key);
  if (!v) {
    // Local $refs (#/components/schemas/…) resolve against this root.
    v = new Validator({ ...schema, components: contract.doc.components } as Schema, "2020-12", false);
    contract.validators.set(key, v);
  }
  return v;
}

const problemSchema = (contract: Contract) => ({
  $ref: "#/components/schemas/Problem",
  components: contract.doc.components,
});

function findOperation(contract: Contract, method: string, pathname: string): Operation | undefined {
  return contract.operations.find((o) => o.method === method && o.pattern.test(pathname));
}

/** Throws a readable error when the response is not one the document declares. */
export async function checkResponse(contract: Contract, method: string, url: string, res: Response): Promise<void> {
  const m = method.toLowerCase();
  let pathname = new URL(url).pathname;
  let found = findOperation(contract, m, pathname);
  const successor = /<([^>]+)>;\s*rel="successor-version"/.exec(res.headers.get("Link") ?? "")?.[1];
  if (!found && successor && res.headers.has("Deprecation")) {
    pathname = new URL(successor, url).pathname;
    found = findOperation(contract, m, pathname);
  }
  const where = `${method} ${new URL(url).pathname} → ${res.status}`;
  const fail = (why: string, body?: string) => {
    throw new Error(
      `Response does not match the OpenAPI document: ${where}: ${why}${body ? `\n${body.slice(0, 600)}` : ""}`,
    );
  };
  if (res.status === 101) return; // a WebSocket upgrade: nothing to read

  const contentType = (res.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  const isProblem = contentType === "application/problem+json";
  if (!found) {
    // Not an operation of the document (static pages, unknown /api paths): errors are still problems.
    if (pathname.startsWith("/api") && res.status >= 400 && !isProblem)
      fail(`an error that is not a problem (${contentType})`);
    return;
  }
  const declared = found.op.responses?.[String(res.status)] ?? found.op.responses?.default;
  let schema: Json;
  if (!declared) {
    if (!UNDECLARED_PROBLEMS.has(res.status)) {
      fail(
        `status not declared for ${found.method.toUpperCase()} ${found.path} (declared: ${Object.keys(found.op.responses ?? {}).join(", ")})`,
      );
    }
    if (!isProblem) fail(`expected application/problem+json, got ${contentType || "no content type"}`);
    schema = problemSchema(contract);
  } else {
    for (const [name, header] of Object.entries<Json>(declared.headers ?? {})) {
      const value = res.headers.get(name);
      if (value === null) {
        if (header.required) fail(`required header ${name} missing`);
        continue;
      }
      if (header.schema) {
        const result = validator(
          contract,
          `${found.method} ${found.path} ${res.status} header ${name}`,
          header.schema,
        ).validate(value);
        if (!result.valid)
          fail(`header ${name}: ${JSON.stringify(value)} does not match ${JSON.stringify(header.schema)}`);
      }
    }
    const content = declared.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0) {
      const text = await res.clone().text();
      if (text.length > 0) fail("a body where the document declares none", text);
      return;
    }
    // `*/*` declares "whatever the resource is" (a downloaded file): any type passes, the body is not JSON-checked.
    const anyType = !types.includes(contentType) && types.includes("*/*");
    if (!types.includes(contentType) && !anyType)
      fail(`content type ${contentType || "(none)"} not declared (declared: ${types.join(", ")})`);
    if (anyType || !contentType.endsWith("json")) return; // event streams and other text: the type is the contract
    schema = content[contentType].schema;
  }
  const text = await res.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail("the body is not JSON", text);
  }
  const key = declared ? `${found.method} ${found.path} ${res.status} ${contentType}` : "problem";
  const result = validator(contract, key, schema).validate(body);
  if (!result.valid) {
    const errors = result.errors
      .filter(
        (e) =>
          !e.error.startsWith("A subschema") &&
          !e.error.startsWith("Items did not match") &&
          !e.error.startsWith("Property "),
      )
      .slice(0, 6)
      .map((e) => `${e.instanceLocation}: ${e.error}`);
    fail(
      `body does not match its schema:\n  ${(errors.length ? errors : result.errors.slice(0, 6).map((e) => `${e.instanceLocation}: ${e.error}`)).join("\n  ")}`,
      text,
    );
  }
}
