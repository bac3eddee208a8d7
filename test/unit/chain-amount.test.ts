import { describe, expect, it } from "vitest";
import {
  AmountError,
  addUnits,
  compareUnits,
  formatAmount,
  MAX_UNITS,
  normalizeAmount,
  parseAmount,
  safeParseAmount,
  subUnits,
} from "../../src/services/chain/amount.ts";

const code = (input: unknown) => {
  const r = safeParseAmount(input);
  return r.ok ? "ok" : r.code;
};

describe("parseAmount", () => {
  it.each([
    ["0", 0n],
    ["1", 100_000_000n],
    ["0.00000001", 1n],
    ["0.0001", 10_000n], // the 0.0001 minimum is a business rule, not a parsing rule
    ["123.45", 12_345_000_000n],
    ["50.00000000", 5_000_000_000n],
    ["999999999999.99999999", MAX_UNITS],
  ])("string %s → %s units", (input, units) => {
    expect(parseAmount(input)).toBe(units);
  });

  it.each([
    [0, 0n],
    [10, 1_000_000_000n],
    [0.1, 10_000_000n],
    [1e-7, 10n], // String(1e-7) is "1e-7": expanded, not rejected as exponent notation
    [1.5e-8, null],
    [999999999999.99, 99_999_999_999_999_000_000n],
  ])("number %s → %s units", (input, units) => {
    if (units === null) expect(code(input)).toBe("too_many_decimals");
    else expect(parseAmount(input)).toBe(units);
  });

  it.each([
    ["1.123456789", "too_many_decimals"],
    ["1.000000000", "too_many_decimals"],
    ["1e5", "exponent"],
    ["1E5", "exponent"],
    ["1.5e-3", "exponent"],
    ["-1", "negative"],
    ["-0", "negative"],
    ["1000000000000", "too_large"], // 13 integer digits: beyond numeric(20,8)
    ["99999999999999999999999", "too_large"],
    ["", "format"],
    [" 1", "format"],
    ["1 ", "format"],
    ["+1", "format"],
    [".5", "format"],
    ["5.", "format"],
    ["007", "format"],
    ["0x10", "format"],
    ["1,5", "format"],
    ["NaN", "format"],
    ["Infinity", "format"],
    ["１", "format"], // full-width digit
    ["١٢٣", "format"], // Arabic-Indic digits
  ])("rejects string %j (%s)", (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it.each([
    [-1, "negative"],
    [-0, "negative"],
    [Number.NaN, "not_finite"],
    [Number.POSITIVE_INFINITY, "not_finite"],
    [1e21, "too_large"],
    [1e12, "too_large"],
    [0.1 + 0.2, "imprecise_number"], // 0.30000000000000004: 17 significant digits
    [123456789012.12345, "imprecise_number"],
    [1.123456789, "too_many_decimals"],
  ])("rejects number %s (%s)", (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it.each([null, undefined, true, 5n, {}, ["1"]])("rejects non string/number %s", (input) => {
    expect(code(input)).toBe("invalid_type");
  });

  it("throws a typed AmountError", () => {
    expect(() => parseAmount("1e5")).toThrow(AmountError);
    try {
      parseAmount("1.123456789");
    } catch (e) {
      expect(e).toBeInstanceOf(AmountError);
      expect((e as AmountError).code).toBe("too_many_decimals");
    }
  });
});

describe("formatAmount / normalizeAmount", () => {
  it("always prints 8 decimals", () => {
    expect(formatAmount(0n)).toBe("0.00000000");
    expect(formatAmount(1n)).toBe("0.00000001");
    expect(formatAmount(12_345_000_000n)).toBe("123.45000000");
    expect(formatAmount(MAX_UNITS)).toBe("999999999999.99999999");
    expect(normalizeAmount("1.5")).toBe("1.50000000");
    expect(normalizeAmount(50)).toBe("50.00000000");
  });

  it("returns canonical amounts unchanged and accepts no spelling parseAmount refuses", () => {
    for (const canonical of ["0.00000000", "0.00000001", "123.45000000", "999999999999.99999999"]) {
      expect(normalizeAmount(canonical)).toBe(canonical);
    }
    expect(normalizeAmount("7.5")).toBe("7.50000000");
    for (const bad of ["007.50000000", "7.500000000", " 7.50000000", "1000000000000.00000000", "-1.00000000"]) {
      expect(() => normalizeAmount(bad), bad).toThrow(AmountError);
    }
  });

  it("rejects out-of-range units", () => {
    expect(() => formatAmount(-1n)).toThrow(AmountError);
    expect(() => formatAmount(MAX_UNITS + 1n)).toThrow(AmountError);
  });

  it("round-trips every format it prints", () => {
    for (const units of [0n, 1n, 99_999_999n, 100_000_000n, 123_456_789_012n, MAX_UNITS]) {
      expect(parseAmount(formatAmount(units))).toBe(units);
    }
  });
});

describe("BigInt arithmetic", () => {
  it("adds, subtracts and compares exactly", () => {
    const a = parseAmount("0.1");
    const b = parseAmount("0.2");
    expect(formatAmount(addUnits(a, b))).toBe("0.30000000");
    expect(formatAmount(subUnits(b, a))).toBe("0.10000000");
    expect(compareUnits(a, b)).toBe(-1);
    expect(compareUnits(b, a)).toBe(1);
    expect(compareUnits(a, parseAmount("0.10000000"))).toBe(0);
  });

  it("refuses to overflow numeric(20,8) or go negative", () => {
    expect(() => addUnits(MAX_UNITS, 1n)).toThrow(AmountError);
    expect(() => subUnits(1n, 2n)).toThrow(AmountError);
    expect(subUnits(2n, 2n)).toBe(0n);
  });
});
