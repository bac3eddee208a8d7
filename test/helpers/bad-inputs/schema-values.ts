/**
 * The bad-input matrix's vocabulary: the OpenAPI shapes it reads, plausible values for a schema,
 * and the wrong or hostile values for paths and body fields, chosen by each field's documented type.
 */
import { world } from "./world.ts";

export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
  format?: string;
  pattern?: string;
};
export type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: Schema };
export type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
  responses?: Record<string, unknown>;
};
export type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

export type Op = { method: string; path: string; op: Operation };

export function resolve(schema: Schema): Schema {
  return schema.$ref ? resolve(world.spec.components.schemas[schema.$ref.split("/").pop()!]!) : schema;
}

export function types(schema: Schema): string[] {
  const s = resolve(schema);
  if (s.anyOf) return s.anyOf.flatMap(types);
  if (s.enum) return ["string"];
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A plausible value for a schema: its example, else a simple value of its first type. */
export function sample(schema: Schema): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf) return sample(s.anyOf.find((a) => !types(a).includes("null")) ?? s.anyOf[0]!);
  switch (types(s).find((t) => t !== "null")) {
    case "string":
      return s.format === "email" ? "someone@example.com" : s.format === "uri" ? "https://example.com/x" : "text";
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return null;
  }
}

/**
 * Base values that must not be the schema's example: a body that happens to be valid apart from a
 * harmless bad field must not register a fixed username, nor start the caller's miner (which would
 * mine on the main chain for the rest of the run).
 */
export const BASE_OVERRIDES: Record<string, () => Record<string, unknown>> = {
  "POST /api/auth/register": () => {
    const name = `m${crypto.randomUUID().slice(0, 12).replace("-", "")}`;
    return { username: name, email: `${name}@example.com` };
  },
  "POST /api/miner/control": () => ({ action: "stop" }),
  // The caller's file stays private: the ownership cases check that another user cannot see it.
  "PATCH /api/files/{id}": () => ({ is_public: false }),
};

/** A body with every property set to a plausible value, so one bad field is what gets judged. */
export function sampleBody(op: Op, schema: Schema): Record<string, unknown> {
  const s = resolve(schema);
  const base = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]));
  return { ...base, ...BASE_OVERRIDES[`${op.method} ${op.path}`]?.() };
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

export const HUGE = "x".repeat(100 * 1024);
export const HEX63 = "a".repeat(63);

/** Bad path parameter values, exactly as they appear in the URL. */
export const BAD_PATH_VALUES = [
  "abc",
  "-1",
  "0",
  "99999999999999999999",
  HEX63,
  "%00",
  encodeURIComponent("' OR 1=1 --"),
  "1.5",
  "1e3",
  "%2e%2e%2f",
  "x".repeat(4096),
];

/** Raw JSON number literals (JSON.stringify cannot write them): replaced into the text after stringify. */
export const RAW = "\u0000raw:";
export const raw = (literal: string) => `${RAW}${literal}`;
export const toJson = (value: unknown) => JSON.stringify(value).replace(new RegExp(`"${RAW}([^"]*)"`, "g"), "$1");

/** Wrong or hostile values for a body field, chosen by the field's documented type. */
export function badFieldValues(schema: Schema): Array<[string, unknown]> {
  const t = types(schema);
  const out: Array<[string, unknown]> = [
    ["an object", { $ne: null }],
    ["an array of objects", [{}]],
  ];
  if (!t.includes("null")) out.push(["null", null]);
  if (t.includes("string")) {
    out.push(
      ["a number instead of a string", 12345],
      ["a boolean", true],
      ["100 KB", HUGE],
      ["NUL and CRLF", "a\u0000b\r\nBcc: x@y.z"],
      ["SQL", "' OR 1=1 --"],
    );
  }
  if (t.includes("integer") || t.includes("number")) {
    out.push(
      ["a string instead of a number", "abc"],
      ["a numeric string", "12"],
      ["1e309 (Infinity once parsed)", raw("1e309")],
      ["-1e309", raw("-1e309")],
      ["2^53+1", raw("9007199254740993")],
      ["20 digits", raw("99999999999999999999")],
      ["-1", -1],
      ["-0", raw("-0")],
      ["1.5", 1.5],
      ['"NaN"', "NaN"],
      ['"Infinity"', "Infinity"],
    );
  }
  if (t.includes("boolean")) out.push(["a string instead of a boolean", "yes"], ["a number instead of a boolean", 1]);
  if (t.includes("array"))
    out.push(
      ["a huge array", Array.from({ length: 10_000 }, () => "x@example.com")],
      ["an array of numbers", [1, 2]],
      ["an array of 100 KB strings", [HUGE]],
    );
  if (t.includes("object"))
    out.push(
      ["a string instead of an object", "x"],
      ["a deeply nested object", JSON.parse("[".repeat(2000) + "]".repeat(2000))],
    );
  return out;
}

/** A JSON-looking body of `bytes` bytes as a stream, so it goes out chunked, without Content-Length. */
export function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"a":"'));
      if (sent >= bytes) {
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}
