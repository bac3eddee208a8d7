/**
 * Compares two OpenAPI documents and names every change, breaking or not, as one line a client
 * developer can read (docs/api-versioning.md says what counts as breaking).
 *
 *   node scripts/openapi/diff.ts OLD.json NEW.json                     list the changes; exit 1 on a breaking one
 *   node scripts/openapi/diff.ts OLD.json NEW.json --changelog FILE    exit 1 on a breaking change the changelog
 *                                                                      does not name (its line, verbatim)
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

type Json = any; // an OpenAPI document is walked as plain JSON
export type Change = { breaking: boolean; text: string };

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** Follows `$ref`s (local ones only, as the generator writes them). */
function resolve(doc: Json, node: Json, seen = new Set<string>()): Json {
  if (!node || typeof node !== "object" || typeof node.$ref !== "string") return node;
  if (seen.has(node.$ref)) return {};
  seen.add(node.$ref);
  const target = node.$ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((acc: Json, key: string) => acc?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  return resolve(doc, target, seen);
}

/** The JSON types a schema admits (["any"] when it does not say). */
function types(doc: Json, schema: Json): string[] {
  const s = resolve(doc, schema);
  if (!s || typeof s !== "object") return ["any"];
  const variants = s.anyOf ?? s.oneOf;
  if (Array.isArray(variants)) return [...new Set(variants.flatMap((v: Json) => types(doc, v)))].sort();
  if (Array.isArray(s.allOf)) return types(doc, s.allOf[0]);
  if (s.const !== undefined)
    return [s.const === null ? "null" : typeof s.const === "number" ? "number" : typeof s.const];
  const t = s.type ?? (s.properties ? "object" : s.enum ? "enum" : "any");
  return (Array.isArray(t) ? t : [t]).map((x: string) => (x === "integer" ? "number" : x)).sort();
}

/** Object properties of a schema, through allOf/anyOf/oneOf. */
function properties(doc: Json, schema: Json): { props: Record<string, Json>; required: Set<string> } {
  const s = resolve(doc, schema) ?? {};
  const props: Record<string, Json> = { ...(s.properties ?? {}) };
  const required = new Set<string>(s.required ?? []);
  for (const part of s.allOf ?? []) {
    const inner = properties(doc, part);
    Object.assign(props, inner.props);
    inner.required.forEach((r) => required.add(r));
  }
  return { props, required };
}

function enumValues(doc: Json, schema: Json): unknown[] | undefined {
  const s = resolve(doc, schema);
  return Array.isArray(s?.enum) ? s.enum : undefined;
}

/**
 * Schema changes seen from one side. `request`: the client writes it (new required fields, removed
 * accepted fields or values, narrower types break). `response`: the client reads it (removed fields,
 * fields no longer always present, new types or enum values it cannot parse break).
 */
function compareSchema(
  oldDoc: Json,
  newDoc: Json,
  a: Json,
  b: Json,
  where: string,
  side: "request" | "response",
  out: Change[],
  depth = 0,
) {
  if (depth > 8 || !a || !b) return;
  const ta = types(oldDoc, a);
  const tb = types(newDoc, b);
  if (!ta.includes("any") && !tb.includes("any")) {
    const lost = ta.filter((t) => !tb.includes(t));
    const gained = tb.filter((t) => !ta.includes(t));
    if (side === "request" && lost.length)
      out.push({ breaking: true, text: `${where}: no longer accepts ${lost.join(", ")}` });
    if (side === "response" && gained.length)
      out.push({ breaking: true, text: `${where}: may now be ${gained.join(", ")}` });
    if (side === "request" && gained.length)
      out.push({ breaking: false, text: `${where}: now also accepts ${gained.join(", ")}` });
  }
  const ea = enumValues(oldDoc, a);
  const eb = enumValues(newDoc, b);
  if (ea && eb) {
    const removed = ea.filter((v) => !eb.includes(v));
    const added = eb.filter((v) => !ea.includes(v));
    if (removed.length)
      out.push({
        breaking: side === "request",
        text: `${where}: value ${removed.map((v) => JSON.stringify(v)).join(", ")} removed`,
      });
    if (added.length)
      out.push({
        breaking: side === "response",
        text: `${where}: value ${added.map((v) => JSON.stringify(v)).join(", ")} added`,
      });
  }
  if (ta.includes("object") && tb.includes("object")) {
    const pa = properties(oldDoc, a);
    const pb = properties(newDoc, b);
    for (const name of Object.keys(pa.props)) {
      if (!(name in pb.props)) {
        out.push({ breaking: true, text: `${where}: field \`${name}\` removed` });
        continue;
      }
      if (side === "response" && pa.required.has(name) && !pb.required.has(name)) {
        out.push({ breaking: true, text: `${where}: field \`${name}\` no longer always present` });
      }
      if (side === "request" && !pa.required.has(name) && pb.required.has(name)) {
        out.push({ breaking: true, text: `${where}: field \`${name}\` now required` });
      }
      compareSchema(oldDoc, newDoc, pa.props[name], pb.props[name], `${where}.${name}`, side, out, depth + 1);
    }
    for (const name of Object.keys(pb.props)) {
      if (name in pa.props) continue;
      const required = side === "request" && pb.required.has(name);
      out.push({ breaking: required, text: `${where}: field \`${name}\` added${required ? " (required)" : ""}` });
    }
  }
  const ia = resolve(oldDoc, a)?.items;
  const ib = resolve(newDoc, b)?.items;
  if (ia && ib) compareSchema(oldDoc, newDoc, ia, ib, `${where}[]`, side, out, depth + 1);
}

const jsonSchemaOf = (doc: Json, holder: Json) => {
  const content = resolve(doc, holder)?.content ?? {};
  const key = Object.keys(content).find((k) => k.includes("json")) ?? Object.keys(content)[0];
  return key ? content[key].schema : undefined;
};

function compareOperation(oldDoc: Json, newDoc: Json, op: string, a: Json, b: Json, out: Change[]) {
  if (a.operationId === undefined && b.operationId !== undefined)
    out.push({ breaking: false, text: `${op}: operationId \`${b.operationId}\`` });
  else if (a.operationId !== b.operationId) {
    out.push({ breaking: true, text: `${op}: operationId \`${a.operationId}\` renamed to \`${b.operationId}\`` });
  }
  const wasPublic = Array.isArray(a.security) && a.security.length === 0;
  const isPublic = Array.isArray(b.security) && b.security.length === 0;
  if (wasPublic && !isPublic) out.push({ breaking: true, text: `${op}: now requires authentication` });

  const params = (o: Json, doc: Json) =>
    new Map<string, Json>(
      (o.parameters ?? []).map((p: Json) => resolve(doc, p)).map((p: Json) => [`${p.in} ${p.name}`, p]),
    );
  const pa = params(a, oldDoc);
  const pb = params(b, newDoc);
  for (const [key, p] of pb) {
    const before = pa.get(key);
    if (!before && p.required) out.push({ breaking: true, text: `${op}: new required parameter ${key}` });
    else if (!before) out.push({ breaking: false, text: `${op}: new optional parameter ${key}` });
    else {
      if (!before.required && p.required) out.push({ breaking: true, text: `${op}: parameter ${key} now required` });
      compareSchema(oldDoc, newDoc, before.schema, p.schema, `${op} parameter ${key}`, "request", out);
    }
  }
  for (const key of pa.keys()) if (!pb.has(key)) out.push({ breaking: true, text: `${op}: parameter ${key} removed` });

  const ra = resolve(oldDoc, a.requestBody);
  const rb = resolve(newDoc, b.requestBody);
  if (!ra && rb?.required) out.push({ breaking: true, text: `${op}: request body now required` });
  if (ra && rb) {
    if (!ra.required && rb.required) out.push({ breaking: true, text: `${op}: request body now required` });
    for (const type of Object.keys(ra.content ?? {})) {
      if (!(type in (rb.content ?? {})))
        out.push({ breaking: true, text: `${op}: request body no longer accepts ${type}` });
      else
        compareSchema(
          oldDoc,
          newDoc,
          ra.content[type].schema,
          rb.content[type].schema,
          `${op} request body`,
          "request",
          out,
        );
    }
  }

  for (const [status, response] of Object.entries<Json>(a.responses ?? {})) {
    const next = b.responses?.[status];
    if (!next) {
      if (status.startsWith("2")) out.push({ breaking: true, text: `${op}: response ${status} removed` });
      continue;
    }
    compareSchema(
      oldDoc,
      newDoc,
      jsonSchemaOf(oldDoc, response),
      jsonSchemaOf(newDoc, next),
      `${op} response ${status}`,
      "response",
      out,
    );
  }
  for (const status of Object.keys(b.responses ?? {})) {
    if (!(status in (a.responses ?? {}))) out.push({ breaking: false, text: `${op}: may answer ${status}` });
  }
}

export function diffDocuments(oldDoc: Json, newDoc: Json): Change[] {
  const out: Change[] = [];
  for (const [path, item] of Object.entries<Json>(oldDoc.paths ?? {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const op = `${method.toUpperCase()} ${path}`;
      const next = newDoc.paths?.[path]?.[method];
      if (!next) out.push({ breaking: true, text: `${op}: operation removed` });
      else compareOperation(oldDoc, newDoc, op, item[method], next, out);
    }
  }
  for (const [path, item] of Object.entries<Json>(newDoc.paths ?? {})) {
    for (const method of METHODS) {
      if (item[method] && !oldDoc.paths?.[path]?.[method])
        out.push({ breaking: false, text: `${method.toUpperCase()} ${path}: operation added` });
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [oldPath, newPath, flag, changelogPath] = process.argv.slice(2);
  if (!oldPath || !newPath) {
    console.error("usage: node scripts/openapi/diff.ts OLD.json NEW.json [--changelog FILE]");
    process.exit(2);
  }
  const changes = diffDocuments(JSON.parse(readFileSync(oldPath, "utf8")), JSON.parse(readFileSync(newPath, "utf8")));
  const changelog = flag === "--changelog" && changelogPath ? readFileSync(changelogPath, "utf8") : undefined;
  const unacknowledged = changes.filter((c) => c.breaking && !changelog?.includes(c.text));
  for (const c of changes) console.log(`${c.breaking ? "BREAKING" : "        "} ${c.text}`);
  console.log(`${changes.length} changes, ${changes.filter((c) => c.breaking).length} breaking`);
  if (unacknowledged.length) {
    console.error(
      `\n${unacknowledged.length} breaking change(s) not in ${changelogPath ?? "a changelog"}. Either keep the old contract ` +
        "(docs/api-versioning.md), or copy each line below verbatim into the changelog's Unreleased section:\n" +
        unacknowledged.map((c) => `- ${c.text}`).join("\n"),
    );
    process.exit(1);
  }
}
