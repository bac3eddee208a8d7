// JSON <-> Postgres text, for clients that send JSON values or ask for non-raw output.

/** Parameters as Neon reads them: strings verbatim, other JSON values as their text form. */
export function jsonToPgText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return pgArrayLiteral(v);
  return JSON.stringify(v);
}

function pgArrayLiteral(items: unknown[]): string {
  const item = (v: unknown): string => {
    if (v === null || v === undefined) return "NULL";
    if (Array.isArray(v)) return pgArrayLiteral(v);
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return `"${s.replace(/[\\"]/g, "\\$&")}"`;
  };
  return `{${items.map(item).join(",")}}`;
}

/** Element type of the common array types (for non-raw output). */
const ARRAY_ELEMENT: Record<number, number> = {
  1000: 16,
  1005: 21,
  1007: 23,
  1016: 20,
  1021: 700,
  1022: 701,
  1231: 1700,
  1009: 25,
  1015: 1043,
  1014: 1042,
  199: 114,
  3807: 3802,
  1115: 1114,
  1185: 1184,
  1182: 1082,
  2951: 2950,
  1001: 17,
};

/** Neon's non-raw output: booleans, small ints, floats and json become JSON; the rest stays text. */
export function textToJson(text: string, oid: number): unknown {
  const element = ARRAY_ELEMENT[oid];
  if (element !== undefined) return mapNested(parsePgArray(text), (s) => textToJson(s, element));
  switch (oid) {
    case 16:
      return text === "t";
    case 21:
    case 23:
      return Number.parseInt(text, 10);
    case 700:
    case 701: {
      const n = Number(text);
      return Number.isFinite(n) ? n : text; // NaN/Infinity stay strings
    }
    case 114:
    case 3802:
      return JSON.parse(text);
    default:
      return text;
  }
}

type Nested = string | null | Nested[];

function mapNested(v: Nested, f: (s: string) => unknown): unknown {
  return Array.isArray(v) ? v.map((x) => mapNested(x, f)) : v === null ? null : f(v);
}

/** Parses Postgres' array text form (`{1,NULL,"a \"b\""}`, nested, optional `[1:2]=` bounds). */
function parsePgArray(text: string): Nested[] {
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const parse = (): Nested[] => {
    const out: Nested[] = [];
    i++; // '{'
    while (i < text.length && text[i] !== "}") {
      if (text[i] === "{") out.push(parse());
      else if (text[i] === '"') {
        let s = "";
        for (i++; text[i] !== '"'; i++) s += text[i] === "\\" ? text[++i] : text[i];
        i++;
        out.push(s);
      } else {
        let j = i;
        while (text[j] !== "," && text[j] !== "}") j++;
        const raw = text.slice(i, j).trim();
        out.push(raw === "NULL" ? null : raw);
        i = j;
      }
      if (text[i] === ",") i++;
    }
    i++; // '}'
    return out;
  };
  return parse();
}
