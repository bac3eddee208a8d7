// Exact decimal amounts for RoadChain. 1 coin = 10^8 base units, held as BigInt so that no
// float ever touches a balance (the original stored floats). The range is that of the
// Postgres column numeric(20,8): at most 12 integer digits and 8 fractional digits.

export const AMOUNT_DECIMALS = 8;
export const UNITS_PER_COIN = 100_000_000n;
/** 999999999999.99999999, the largest value numeric(20,8) can hold. */
export const MAX_UNITS = 10n ** 20n - 1n;

export type AmountErrorCode =
  | "invalid_type"
  | "not_finite"
  | "negative"
  | "exponent"
  | "format"
  | "too_many_decimals"
  | "too_large"
  | "imprecise_number";

export class AmountError extends Error {
  readonly code: AmountErrorCode;
  constructor(code: AmountErrorCode, message: string) {
    super(message);
    this.name = "AmountError";
    this.code = code;
  }
}

export type AmountParseResult = { ok: true; units: bigint } | { ok: false; code: AmountErrorCode; message: string };

// Plain decimal only: no sign, no exponent, no whitespace, no leading zeros ("007"),
// no bare "." forms (".5", "5."). The fraction group is captured whole so >8 digits
// can be reported as such instead of as a generic format error.
const DECIMAL_RE = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const MAX_INT_DIGITS = 12;
// Any decimal with <= 15 significant digits survives a round trip through a double
// (DBL_DIG). Above that, JSON.parse may already have changed the value before we see it.
const MAX_NUMBER_SIG_DIGITS = 15;

/** Parses without throwing; for zod `.transform`/`.superRefine`. */
export function safeParseAmount(input: unknown): AmountParseResult {
  let text: string;
  if (typeof input === "string") {
    if (/[eE]/.test(input)) return fail("exponent", "Exponent notation is not allowed");
    if (input.startsWith("-")) return fail("negative", "Amount must not be negative");
    text = input;
  } else if (typeof input === "number") {
    if (!Number.isFinite(input)) return fail("not_finite", "Amount must be a finite number");
    if (input < 0 || Object.is(input, -0)) return fail("negative", "Amount must not be negative");
    // String(n) is the shortest text that round-trips to n; expand "1e-7" style output.
    text = expandExponent(String(input));
    if (significantDigits(text) > MAX_NUMBER_SIG_DIGITS) {
      return fail("imprecise_number", "Numbers above 15 significant digits are ambiguous; send a string");
    }
  } else {
    return fail("invalid_type", "Amount must be a decimal string or a number");
  }

  const m = DECIMAL_RE.exec(text);
  if (!m) return fail("format", 'Amount must be a plain decimal like "12.5"');
  const intPart = m[1] ?? "0";
  const fracPart = m[2] ?? "";
  if (fracPart.length > AMOUNT_DECIMALS) {
    return fail("too_many_decimals", `Amount must have at most ${AMOUNT_DECIMALS} decimal places`);
  }
  if (intPart.length > MAX_INT_DIGITS) return fail("too_large", "Amount exceeds 999999999999.99999999");
  const units = BigInt(intPart) * UNITS_PER_COIN + BigInt(fracPart.padEnd(AMOUNT_DECIMALS, "0"));
  return { ok: true, units };
}

/** Amount string or number → base units. Throws AmountError. */
export function parseAmount(input: unknown): bigint {
  const r = safeParseAmount(input);
  if (!r.ok) throw new AmountError(r.code, r.message);
  return r.units;
}

/** Base units → "123.45000000" (always 8 decimals, as Postgres numeric(20,8) prints it). */
export function formatAmount(units: bigint): string {
  assertUnits(units);
  const int = units / UNITS_PER_COIN;
  const frac = units % UNITS_PER_COIN;
  return `${int}.${frac.toString().padStart(AMOUNT_DECIMALS, "0")}`;
}

/** Canonical 8-decimal string for any accepted input ("1.5" → "1.50000000"). */
export function normalizeAmount(input: unknown): string {
  // Already canonical (every amount Postgres returns): no bigint round trip per row of a list.
  if (typeof input === "string" && CANONICAL_AMOUNT.test(input)) return input;
  return formatAmount(parseAmount(input));
}
const CANONICAL_AMOUNT = /^(?:0|[1-9]\d{0,11})\.\d{8}$/;

export function addUnits(a: bigint, b: bigint): bigint {
  assertUnits(a);
  assertUnits(b);
  const sum = a + b;
  if (sum > MAX_UNITS) throw new AmountError("too_large", "Sum exceeds 999999999999.99999999");
  return sum;
}

/** a − b; throws AmountError("negative") rather than returning a negative balance. */
export function subUnits(a: bigint, b: bigint): bigint {
  assertUnits(a);
  assertUnits(b);
  if (b > a) throw new AmountError("negative", "Result would be negative");
  return a - b;
}

export function compareUnits(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertUnits(units: bigint): void {
  if (typeof units !== "bigint") throw new TypeError("Amount units must be a bigint");
  if (units < 0n) throw new AmountError("negative", "Amount must not be negative");
  if (units > MAX_UNITS) throw new AmountError("too_large", "Amount exceeds 999999999999.99999999");
}

function fail(code: AmountErrorCode, message: string): AmountParseResult {
  return { ok: false, code, message };
}

// "1.5e-7" → "0.00000015", "1e+21" → "1000000000000000000000". Only ever fed the output of
// String(number), so the mantissa is "d" or "d.ddd" and the exponent is signed.
function expandExponent(s: string): string {
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = (m[1] ?? "") + (m[2] ?? "");
  const point = 1 + Number(m[3]); // position of the decimal point within `digits`
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function significantDigits(plain: string): number {
  const digits = plain.replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return digits.length;
}
